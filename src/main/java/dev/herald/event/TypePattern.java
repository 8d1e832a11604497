package dev.herald.event;

import java.util.regex.Pattern;

/**
 * An event type pattern: {@code *} matches any run of characters, dots included, so
 * {@code order.*} matches {@code order.created} and {@code order.line.added}, and {@code *} matches
 * every type.
 */
public record TypePattern(String text) {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_*-]+(\\.[A-Za-z0-9_*-]+)*");

    public TypePattern {
        if (text == null || !VALID.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an event type pattern; write dot-separated words"
                    + " with * as a wildcard, such as \"order.*\", \"*.created\" or \"*\"");
        }
    }

    public boolean isExact() {
        return text.indexOf('*') < 0;
    }

    /** A pattern like {@code order.*}: a literal prefix ending in a dot, then one trailing star. */
    public boolean isPrefix() {
        int star = text.indexOf('*');
        return star == text.length() - 1 && (star == 0 || text.charAt(star - 1) == '.');
    }

    /** For {@link #isPrefix()} patterns: the literal part, {@code "order."} (empty for {@code *}). */
    public String prefix() {
        return text.substring(0, text.length() - 1);
    }

    public boolean matches(String type) {
        return matches(text, 0, type, 0);
    }

    private static boolean matches(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                if (pi == p.length() - 1) return si < s.length();
                for (int k = si + 1; k <= s.length(); k++) {
                    if (matches(p, pi + 1, s, k)) return true;
                }
                return false;
            }
            if (si >= s.length() || s.charAt(si) != c) return false;
            pi++;
            si++;
        }
        return si == s.length();
    }
}
