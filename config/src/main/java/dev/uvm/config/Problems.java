package dev.uvm.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Collects the errors and warnings of one file, without duplicates, in line order. */
final class Problems {
    private final String file;
    private final Set<ConfigProblem> problems = new LinkedHashSet<>();

    Problems(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    void error(int line, String key, String value, String message) {
        problems.add(new ConfigProblem(ConfigProblem.Severity.ERROR, file, line, key, value, message));
    }

    void warning(int line, String key, String value, String message) {
        problems.add(new ConfigProblem(ConfigProblem.Severity.WARNING, file, line, key, value, message));
    }

    boolean hasErrors() {
        return problems.stream().anyMatch(p -> p.severity() == ConfigProblem.Severity.ERROR);
    }

    List<ConfigProblem> errors() {
        return only(ConfigProblem.Severity.ERROR);
    }

    List<ConfigProblem> warnings() {
        return only(ConfigProblem.Severity.WARNING);
    }

    /** Errors and warnings together, sorted by line (stable, so same-line problems keep their order). */
    List<ConfigProblem> all() {
        List<ConfigProblem> list = new ArrayList<>(problems);
        list.sort(Comparator.comparingInt(ConfigProblem::line));
        return list;
    }

    private List<ConfigProblem> only(ConfigProblem.Severity severity) {
        return all().stream().filter(p -> p.severity() == severity).toList();
    }
}
