package dev.herald.admin;

import java.util.Collection;
import java.util.stream.Collectors;

/** JMS message selectors built from values: each value a quoted string literal, so no value can change the selector. */
final class Selectors {

    private Selectors() {}

    static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    static String eq(String property, String value) {
        return property + " = " + quote(value);
    }

    /** {@code property IN (...)} of one value or more. */
    static String in(String property, Collection<String> values) {
        if (values.isEmpty()) throw new IllegalArgumentException("IN () needs a value");
        return property + " IN (" + values.stream().map(Selectors::quote).collect(Collectors.joining(", ")) + ")";
    }
}
