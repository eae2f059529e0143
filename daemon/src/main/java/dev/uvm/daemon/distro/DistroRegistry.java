package dev.uvm.daemon.distro;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uvm.daemon.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The registered distributions, kept in {@code <stateDir>/distributions.json} (the daemon's user
 * only): name, VM, when and from what it was made, its last measured size, and which one is the
 * default. The files themselves live on the VM's data disk; this file is what says they are a
 * distribution. A name is reserved while an import or install runs, so two cannot race for it,
 * and registered only once the files are complete: nothing half-registered is ever listed.
 *
 * <p>Concurrency: every method is synchronized; each change is written to a temporary file and
 * renamed over the old one, so a crash leaves the old or the new registry, never a mix.
 */
public final class DistroRegistry {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One distribution.
     *
     * @param source    what it was made from, for people: {@code import}, {@code install debian bookworm}
     * @param diskBytes the space its files took when last measured, or -1
     */
    public record Distro(String name, String vm, long createdMillis, String source, long diskBytes) {
        /** Its root in the guest. */
        public String root() {
            return DistroScripts.DISTROS + "/" + name;
        }
    }

    /** The file's contents. */
    private record Saved(String defaultName, List<Distro> distributions) {
    }

    /** A request named a distribution that is not registered, or one that is. */
    public static final class NameException extends Exception {
        public NameException(String message) {
            super(message);
        }
    }

    private final Path file;
    private final Map<String, Distro> byName = new LinkedHashMap<>();
    private final Set<String> reserved = new HashSet<>();
    private String defaultName;

    private DistroRegistry(Path file) {
        this.file = file;
    }

    /** The registry of the daemon whose state folder is {@code stateDir}; empty when there is none yet. */
    public static DistroRegistry open(Path stateDir) throws IOException {
        DistroRegistry r = new DistroRegistry(stateDir.resolve("distributions.json"));
        if (Files.exists(r.file)) {
            Saved saved = JSON.readValue(r.file.toFile(), Saved.class);
            saved.distributions().forEach(d -> r.byName.put(d.name(), d));
            r.defaultName = saved.defaultName();
        }
        return r;
    }

    public synchronized List<Distro> all() {
        return new ArrayList<>(byName.values());
    }

    public synchronized Optional<Distro> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The distribution {@code name}, or a message that names the known ones. */
    public synchronized Distro get(String name) throws NameException {
        Distro d = byName.get(name);
        if (d == null) {
            throw new NameException("no distribution named '" + name + "' (known: "
                    + (byName.isEmpty() ? "none; install one with `uvm install debian`" : String.join(", ", byName.keySet()))
                    + ")");
        }
        return d;
    }

    /** The default distribution, if any is registered. */
    public synchronized Optional<Distro> defaultDistro() {
        return Optional.ofNullable(defaultName == null ? null : byName.get(defaultName));
    }

    /** Holds {@code name} for an import or install; throws if it is taken or being made. */
    public synchronized void reserve(String name) throws NameException {
        if (byName.containsKey(name)) {
            throw new NameException("a distribution named '" + name + "' exists already (uvm unregister " + name
                    + " deletes it, or choose another name)");
        }
        if (!reserved.add(name)) {
            throw new NameException("a distribution named '" + name + "' is being imported or installed right now");
        }
    }

    /** Gives up a reservation (the import failed). */
    public synchronized void release(String name) {
        reserved.remove(name);
    }

    /** Registers a reserved name; the first distribution becomes the default, as in WSL. */
    public synchronized void add(Distro d) throws IOException {
        byName.put(d.name(), d);
        reserved.remove(d.name());
        if (defaultName == null || !byName.containsKey(defaultName)) {
            defaultName = d.name();
        }
        save();
    }

    /** Forgets a distribution; the default passes to the oldest one left, if any. */
    public synchronized void remove(String name) throws IOException {
        byName.remove(name);
        if (name.equals(defaultName)) {
            defaultName = byName.isEmpty() ? null : byName.keySet().iterator().next();
        }
        save();
    }

    public synchronized void setDefault(String name) throws NameException, IOException {
        get(name);
        defaultName = name;
        save();
    }

    public synchronized String defaultName() {
        return defaultName;
    }

    /** Records a distribution's measured size. */
    public synchronized void diskBytes(String name, long bytes) throws IOException {
        Distro d = byName.get(name);
        if (d != null && d.diskBytes() != bytes) {
            byName.put(name, new Distro(d.name(), d.vm(), d.createdMillis(), d.source(), bytes));
            save();
        }
    }

    private void save() throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        OwnerOnlyFiles.createFile(tmp);
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), new Saved(defaultName, all()));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
