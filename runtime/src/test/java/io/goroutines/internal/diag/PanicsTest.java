package io.goroutines.internal.diag;

import io.goroutines.internal.sched.G;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PanicsTest
{
    @Test
    void shouldFormatGoStyleReport()
    {
        final IllegalStateException boom = new IllegalStateException("boom", new java.io.IOException("disk"));
        boom.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("com.example.Worker", "run", "Worker.java", 42),
            new StackTraceElement("com.example.Main", "lambda$main$0", "Main.java", 17),
            new StackTraceElement("io.goroutines.internal.sched.Sched", "execute", "Sched.java", 1),
            new StackTraceElement("java.lang.Thread", "run", "Thread.java", 833),
        });
        final String report = Panics.format(new G(), boom);
        final String expectedStart = "panic: java.lang.IllegalStateException: boom\n\n" +
            "goroutine 0 [running]:\n" +
            "com.example.Worker.run(Worker.java:42)\n" +
            "com.example.Main.lambda$main$0(Main.java:17)\n" +
            "caused by: java.io.IOException: disk\n";
        assertTrue(report.startsWith(expectedStart), report);
        assertFalse(report.contains("Sched.execute"), "the scheduler's frames are hidden");
    }

    @Test
    void shouldReportAnExceptionWhoseToStringThrows()
    {
        final RuntimeException weird = new RuntimeException()
        {
            private static final long serialVersionUID = 1L;

            @Override
            public String toString()
            {
                throw new IllegalStateException("toString failed");
            }
        };
        final String report = Panics.format(new G(), weird);
        assertTrue(report.startsWith("panic: " + weird.getClass().getName()
            + " (its toString() threw java.lang.IllegalStateException)\n\n"), report);
    }

    @Test
    void shouldElideMiddleOfDeepStacks()
    {
        final StackTraceElement[] frames = new StackTraceElement[250];
        for (int i = 0; i < frames.length; i++)
        {
            frames[i] = new StackTraceElement("com.example.Deep", "f" + i, "Deep.java", i + 1);
        }
        final String dump = Panics.dump(null, frames);
        assertTrue(dump.contains("...150 frames elided...\n"), dump);
        assertTrue(dump.contains("com.example.Deep.f0(Deep.java:1)\n"));
        assertTrue(dump.contains("com.example.Deep.f249(Deep.java:250)\n"));
        assertFalse(dump.contains("com.example.Deep.f50("));
        assertEquals(101 + 1, dump.split("\n").length, "header, 100 frames and the elision line");
    }

    @Test
    void shouldTakeTheAgentsPanicModes()
    {
        final Panics.Handler previous = Panics.handler(Panics.EXIT);
        try
        {
            Panics.configure("log");
            assertSame(Panics.LOG, Panics.handler(Panics.EXIT));
            Panics.configure("exit");
            assertSame(Panics.EXIT, Panics.handler(Panics.EXIT));
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> Panics.configure("crash"));
            assertEquals("panics: unknown mode 'crash' (accepted: exit, log)", ex.getMessage());
            assertSame(Panics.EXIT, Panics.handler(Panics.EXIT), "a bad mode changes nothing");
        }
        finally
        {
            Panics.handler(previous);
        }
    }

    @Test
    void shouldNameStackOptionOnOverflow()
    {
        final String report = Panics.format(new G(), new StackOverflowError());
        assertTrue(report.startsWith("runtime: goroutine stack exceeds the carrier's "), report);
        assertTrue(report.contains("stack=SIZE"));
        assertTrue(report.contains("\npanic: java.lang.StackOverflowError\n\ngoroutine 0 [running]:\n"), report);
    }
}
