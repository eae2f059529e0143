package dev.uvm.config;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import org.quartz.CronExpression;

/**
 * The value of {@code prewarm} and {@code keepAlive}: Quartz cron expressions (seconds, minutes,
 * hours, day of month, month, day of week, optional year) separated by {@code |}, such as
 * {@code 0 45 8 ? * MON-FRI} or {@code * * 9-17 ? * MON-FRI | * * 10-12 ? * SAT}.
 */
public final class CronList {
    private CronList() {
    }

    /** The expressions in {@code value}, each checked by Quartz; empty or {@code none} means none. */
    public static List<String> parse(String value) {
        String v = value.strip();
        if (v.isEmpty() || v.equalsIgnoreCase("none")) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : v.split("\\|", -1)) {
            String expression = part.strip().replaceAll("\\s+", " ");
            if (expression.isEmpty()) {
                throw new IllegalArgumentException("empty cron expression between '|' separators");
            }
            try {
                new CronExpression(expression);
            } catch (ParseException e) {
                throw new IllegalArgumentException("invalid cron expression \"" + expression + "\": " + e.getMessage()
                        + "; expected Quartz syntax: seconds minutes hours day-of-month month day-of-week,"
                        + " such as 0 45 8 ? * MON-FRI");
            }
            out.add(expression);
        }
        return List.copyOf(out);
    }
}
