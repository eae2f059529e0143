package dev.uvm.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads and validates a uvm config file.
 *
 * <p>Loading runs in four steps, each its own class: {@link IniLexer} splits the text into sections and
 * entries with line numbers; {@link SectionReader} gives sections and keys their meaning and warns about
 * what it ignores; {@link SettingParser} parses and range-checks each value; {@link ConfigAssembler}
 * applies inheritance ({@code [vm]} under {@code [vm.NAME]}), cross-key checks and records provenance.
 * Every error is collected; if there is any, they are thrown together in one {@link ConfigException}.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** Loads {@code file}; a missing file is an error here (callers decide whether defaults apply). */
    public static LoadedConfig load(Path file) throws ConfigException {
        return load(file, HostInfo.detect());
    }

    /** Loads {@code file}, checking ranges and paths against {@code host}. */
    public static LoadedConfig load(Path file, HostInfo host) throws ConfigException {
        return result(analyse(file, host));
    }

    /**
     * Loads the chosen file. A file at the default location that does not exist means built-in defaults;
     * a file named by {@code --config} or {@code UVM_CONFIG} must exist.
     */
    public static LoadedConfig load(ConfigLocation location) throws ConfigException {
        return load(location, HostInfo.detect());
    }

    /** As {@link #load(ConfigLocation)}, checking against {@code host}. */
    public static LoadedConfig load(ConfigLocation location, HostInfo host) throws ConfigException {
        if (!location.isExplicit() && Files.notExists(location.path())) {
            return LoadedConfig.defaults();
        }
        return load(location.path(), host);
    }

    /**
     * The {@code [daemon]} section of the chosen file, for the client, which needs only to find the
     * daemon's socket and state folder: nothing else is parsed (so a mistake in a VM section does not
     * hide the socket, and cron expressions, which need Quartz, are never read). Built-in defaults
     * where the file is missing or unreadable, or the section has an error (the daemon, which checks
     * the whole file, reports it).
     */
    public static DaemonConfig daemonSection(ConfigLocation location) {
        String text;
        try {
            text = Files.readString(location.path(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return DaemonConfig.defaults();
        }
        Problems problems = new Problems(location.path().toString());
        SectionModel model = SectionReader.read(IniLexer.lex(text, problems), problems);
        Problems daemonProblems = new Problems(location.path().toString());
        DaemonConfig daemon = new ConfigAssembler(daemonProblems, HostInfo.detect()).daemonOnly(model);
        return daemonProblems.hasErrors() ? DaemonConfig.defaults() : daemon;
    }

    /**
     * The names of the VMs the chosen file configures ({@code default} first, then each
     * {@code [vm.NAME]} in file order), read without checking any value: for shell completion and
     * {@code uvm list --names vms} while no daemon runs. Just {@code default} when the file is
     * missing or unreadable.
     */
    public static List<String> vmNames(ConfigLocation location) {
        Set<String> names = new LinkedHashSet<>(List.of(VmConfig.DEFAULT_NAME));
        try {
            String text = Files.readString(location.path(), StandardCharsets.UTF_8);
            Problems problems = new Problems(location.path().toString());
            names.addAll(SectionReader.read(IniLexer.lex(text, problems), problems).named.keySet());
        } catch (IOException e) {
            // defaults: the default VM only
        }
        return List.copyOf(names);
    }

    /** Parses config text; {@code fileName} is used in messages. */
    public static LoadedConfig parse(String text, String fileName, Path source) throws ConfigException {
        return parse(text, fileName, source, HostInfo.detect());
    }

    /** Parses config text, checking ranges and paths against {@code host}. */
    public static LoadedConfig parse(String text, String fileName, Path source, HostInfo host)
            throws ConfigException {
        return result(analyse(text, fileName, source, host));
    }

    /** Everything found in a file, errors and warnings together, without throwing. */
    record Analysis(UvmConfig config, ConfigOrigins origins, List<ConfigProblem> problems) {
        boolean hasErrors() {
            return problems.stream().anyMatch(p -> p.severity() == ConfigProblem.Severity.ERROR);
        }

        List<ConfigProblem> only(ConfigProblem.Severity severity) {
            return problems.stream().filter(p -> p.severity() == severity).toList();
        }
    }

    static Analysis analyse(Path file, HostInfo host) {
        String name = file.toString();
        try {
            return analyse(Files.readString(file, StandardCharsets.UTF_8), name, file, host);
        } catch (NoSuchFileException e) {
            return unreadable(name, "file not found");
        } catch (AccessDeniedException e) {
            return unreadable(name, "cannot read the file: permission denied");
        } catch (CharacterCodingException e) {
            return unreadable(name, "cannot read the file: it is not valid UTF-8 text");
        } catch (IOException e) {
            String reason = Files.isDirectory(file) ? "is a directory, expected a file" : e.toString();
            return unreadable(name, "cannot read the file: " + reason);
        }
    }

    static Analysis analyse(String text, String fileName, Path source, HostInfo host) {
        Problems problems = new Problems(fileName);
        IniDocument document = IniLexer.lex(text, problems);
        SectionModel model = SectionReader.read(document, problems);
        ConfigAssembler.Result result = new ConfigAssembler(problems, host).assemble(model, source);
        UvmConfig config = problems.hasErrors() ? null : result.config();
        return new Analysis(config, result.origins(), problems.all());
    }

    private static Analysis unreadable(String fileName, String message) {
        Problems problems = new Problems(fileName);
        problems.error(0, null, null, message);
        return new Analysis(null, ConfigOrigins.none(), problems.all());
    }

    private static LoadedConfig result(Analysis analysis) throws ConfigException {
        if (analysis.hasErrors()) {
            throw new ConfigException(analysis.only(ConfigProblem.Severity.ERROR));
        }
        return new LoadedConfig(analysis.config(), analysis.only(ConfigProblem.Severity.WARNING),
                analysis.origins());
    }
}
