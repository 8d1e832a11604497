package dev.herald.yaml;

import com.fasterxml.jackson.core.JsonPointer;
import com.networknt.schema.JsonNodePath;
import java.util.ArrayList;
import java.util.List;

/**
 * The problems found while reading a configuration tree, each with the path of the key or value it
 * is about; {@link YamlFile#locate} turns the paths into lines and columns. A collector is a view at
 * one path: {@code at("parameters").at("url")} adds to the same list, so every check reports and
 * none stops the others.
 */
public final class Problems {

    /** A problem about the value at {@code at}, or about its key ({@code atKey}: an unknown or repeated key). */
    public record Problem(JsonPointer at, boolean atKey, String what, String fix) {
        @Override
        public String toString() {
            return what + " — " + fix;
        }
    }

    private final List<Problem> all;
    private final JsonPointer at;
    private final String label;

    public Problems() {
        this(new ArrayList<>(), JsonPointer.empty(), "");
    }

    private Problems(List<Problem> all, JsonPointer at, String label) {
        this.all = all;
        this.at = at;
        this.label = label;
    }

    public Problems at(String key) {
        return new Problems(all, at.appendProperty(key), label);
    }

    public Problems at(int index) {
        return new Problems(all, at.appendIndex(index), label);
    }

    public Problems at(JsonPointer relative) {
        return new Problems(all, at.append(relative), label);
    }

    /** At a JSON Schema validator's instance location, relative to here. */
    public Problems at(JsonNodePath relative) {
        JsonPointer p = at;
        for (int i = 0; i < relative.getNameCount(); i++) {
            p = relative.getElement(i) instanceof Integer index ? p.appendIndex(index) : p.appendProperty(relative.getName(i));
        }
        return new Problems(all, p, label);
    }

    /** Problems added through the view start with {@code label}, such as "subscription acme: ". */
    public Problems labelled(String label) {
        return new Problems(all, at, label);
    }

    /** The value here is wrong (or missing: then the nearest written ancestor is shown). */
    public void add(String what, String fix) {
        all.add(new Problem(at, false, label + what, fix));
    }

    /** The key here is wrong: unknown, or written twice. */
    public void addAtKey(String what, String fix) {
        all.add(new Problem(at, true, label + what, fix));
    }

    /**
     * A message another part of Herald wrote as "what is wrong; what to do": split at its first
     * "; ". {@code fix} stands in when the message has no such part.
     */
    public void addMessage(String message, String fix) {
        int semi = message.indexOf("; ");
        if (semi > 0) add(message.substring(0, semi), message.substring(semi + 2));
        else add(message, fix);
    }

    public int size() {
        return all.size();
    }

    public boolean isEmpty() {
        return all.isEmpty();
    }

    /** Every problem added through any view of this collector, in the order they were found. */
    public List<Problem> all() {
        return List.copyOf(all);
    }
}
