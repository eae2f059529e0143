package dev.uvm.config;

/**
 * One {@code key = value} entry that names a key uvm implements, before its value is checked.
 *
 * @param key     the key it sets
 * @param written the key as written (it may differ in case, or be an alias)
 * @param value   the value as written, quotes removed
 * @param origin  where it was written
 */
record Setting(ConfigKey key, String written, String value, Origin origin) {
    int line() {
        return origin.line();
    }
}
