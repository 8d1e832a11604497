-- Partners (tenants) of an open platform, and their API keys. A key is kept only as its SHA-256
-- hash; a revoked key keeps its row (who had access, and until when). Deleting a partner deletes
-- its keys with it.
create table partners (
    id                   varchar(64)  primary key,
    name                 varchar(200) not null,
    status               varchar(16)  not null,
    max_subscriptions    int          not null,
    max_rate_per_second  int          not null,
    created_at           timestamp    not null,
    updated_at           timestamp    not null
);

create table partner_keys (
    id          varchar(64)  primary key,
    partner_id  varchar(64)  not null references partners (id) on delete cascade,
    name        varchar(100) not null,
    key_hash    varchar(64)  not null unique,
    created_at  timestamp    not null,
    revoked_at  timestamp
);
create index partner_keys_by_partner on partner_keys (partner_id);
