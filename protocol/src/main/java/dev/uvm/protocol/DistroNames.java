package dev.uvm.protocol;

import java.util.regex.Pattern;

/** What a distribution may be called: a name that is safe as a file name in the guest and in messages. */
public final class DistroNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private DistroNames() {
    }

    /** Why {@code name} is not a valid distribution name, or {@code null} when it is. */
    public static String problem(String name) {
        if (!NAME.matcher(name).matches()) {
            return "\"" + name + "\" is not a valid distribution name: use 1 to 64 letters, digits, '.', '_' or '-'";
        }
        if (name.startsWith(".")) {
            return "\"" + name + "\" is not a valid distribution name: it must not start with a dot";
        }
        return null;
    }
}
