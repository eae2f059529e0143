package dev.uvm.hcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OperationsTest {

    @Test
    void timeoutMs_isMilliseconds() {
        assertEquals(1500, Operations.timeoutMs(Duration.ofMillis(1500)));
        assertEquals(0, Operations.timeoutMs(Duration.ZERO));
    }

    @Test
    void timeoutMs_veryLong_isCappedBelowInfinite() {
        int capped = Operations.timeoutMs(Duration.ofDays(365 * 1000L));

        assertEquals(0xFFFFFFFE, capped);
        assertEquals(0xFFFFFFFEL, Integer.toUnsignedLong(capped));
    }

    @Test
    void timeoutMs_negativeOrNull_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> Operations.timeoutMs(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> Operations.timeoutMs(null));
    }
}
