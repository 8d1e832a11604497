package dev.herald.support;

import dev.herald.store.Store;
import java.nio.file.Files;

/** A migrated store for a test: a fresh H2 file ("h2") or a fresh PostgreSQL schema ("postgresql"). */
public final class TestStores {

    private TestStores() {}

    public static Store open(String db) throws Exception {
        String url = db.equals("h2")
                ? "jdbc:h2:file:" + Files.createTempDirectory("herald-store") + "/store;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"
                : Postgres.freshSchemaUrl();
        Store store = new Store(url, null, null, 4);
        store.migrate();
        return store;
    }
}
