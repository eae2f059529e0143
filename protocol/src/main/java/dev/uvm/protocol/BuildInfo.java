package dev.uvm.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What this build of uvm was made from: the release ({@link Wire#RELEASE}) and the git commit,
 * which the build writes into {@code build.properties} beside this class. "unknown" when the
 * sources were not a git checkout.
 */
public final class BuildInfo {
    private static final Properties PROPERTIES = load();

    private BuildInfo() {
    }

    /** The abbreviated commit, with {@code -modified} when the tree had uncommitted changes. */
    public static String commit() {
        String id = PROPERTIES.getProperty("git.commit.id.abbrev", "");
        if (id.isBlank()) {
            return "unknown";
        }
        return "true".equals(PROPERTIES.getProperty("git.dirty")) ? id + "-modified" : id;
    }

    /** The commit's date (yyyy-MM-dd), or {@code null}. */
    public static String commitDate() {
        String d = PROPERTIES.getProperty("git.commit.time", "");
        return d.isBlank() ? null : d;
    }

    /** {@code 0.1.0 (commit 3afda7e, 2026-11-29)}. */
    public static String describe() {
        String date = commitDate();
        return Wire.RELEASE + " (commit " + commit() + (date != null ? ", " + date : "") + ")";
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // unknown commit
        }
        return p;
    }
}
