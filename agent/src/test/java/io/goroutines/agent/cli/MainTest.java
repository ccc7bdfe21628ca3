package io.goroutines.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class MainTest
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldPrintVersion()
    {
        assertEquals(0, run("version"));

        assertTrue(out.toString().startsWith("goroutines "), out.toString());
        assertTrue(out.toString().contains("Java " + Runtime.version()), out.toString());
    }

    @Test
    void shouldListCommandsInHelp()
    {
        assertEquals(0, run("help"));

        assertTrue(out.toString().contains("version"), out.toString());
        assertTrue(out.toString().contains("options"), out.toString());
    }

    @Test
    void shouldPrintAgentOptions()
    {
        assertEquals(0, run("options"));

        assertTrue(out.toString().contains("  preempt=DURATION "), out.toString());
    }

    @Test
    void shouldFailWithUsageWithoutCommand()
    {
        assertEquals(2, run());

        assertTrue(err.toString().startsWith("goroutines: no command given"), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void shouldFailWithUsageOnUnknownCommand()
    {
        assertEquals(2, run("frobnicate", "1234"));

        assertTrue(err.toString().contains("'frobnicate'"), err.toString());
    }

    @Test
    void shouldListDumpAndRefuseBadPid()
    {
        assertEquals(0, run("help"));
        assertTrue(out.toString().contains("dump"), out.toString());
        assertTrue(out.toString().contains("check"), out.toString());
        assertEquals(2, run("dump", "not-a-pid"));
        assertTrue(err.toString().contains("not-a-pid"), err.toString());
    }

    private int run(final String... args)
    {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }
}
