package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.goroutines.it.apps.AttachTarget;
import io.goroutines.it.apps.DiagnosticsApp;

/** {@code java -jar goroutines.jar dump PID} against running JVMs, through the Attach API and JMX. */
class DumpCommandIT
{
    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldPrintEveryGoroutineOfRunningJvm(final Java java)
    {
        try (ChildJvm.Running target = ChildJvm.of(java).agent().main(DiagnosticsApp.class, "serve").start())
        {
            target.awaitStdout(DiagnosticsApp.SERVING);
            ChildJvm.Result dump = ChildJvm.of(java).jar(Locations.agentJar(), "dump", Long.toString(target.pid())).run();
            for (int i = 0; i < 20 && !dump.stdout().contains("[chan receive]"); i++)
            {
                dump = ChildJvm.of(java).jar(Locations.agentJar(), "dump", Long.toString(target.pid())).run();
            }
            assertEquals(0, dump.exitCode(), dump.describe());
            assertTrue(dump.stdout().startsWith("goroutine 1 [syscall]:\n"), dump.describe());
            assertTrue(dump.stdout().contains("\n\ngoroutine 2 [chan receive]:\nio.goroutines.it.apps.DiagnosticsApp.waitOn(DiagnosticsApp.java:" +
                SourceLines.of(DiagnosticsApp.class, "line:waiterRecv") + ")\n"), dump.describe());
            assertTrue(dump.stdout().contains("created by io.goroutines.it.apps.DiagnosticsApp.serve(DiagnosticsApp.java:" +
                SourceLines.of(DiagnosticsApp.class, "line:spawnServed") + ")\n"), dump.describe());
            target.writeLine("stop");
            final ChildJvm.Result result = target.await();
            assertEquals(0, result.exitCode(), "the target carries on: " + result.describe());
            // over JMX, no agent is loaded: not even Java 21+'s warning about one (JEP 451)
            assertEquals("", result.stderr(), "nothing printed in the target: " + result.describe());
        }
    }

    @ParameterizedTest
    @EnumSource(Java.class)
    void shouldSayWhenJvmRunsNoGoroutines(final Java java)
    {
        try (ChildJvm.Running target = ChildJvm.of(java).main(AttachTarget.class).start())
        {
            target.awaitStdout(AttachTarget.READY);
            final ChildJvm.Result dump = ChildJvm.of(java).jar(Locations.agentJar(), "dump",
                Long.toString(target.pid())).run();
            assertEquals(1, dump.exitCode(), dump.describe());
            assertEquals("goroutines: JVM " + target.pid() + " runs no goroutines (start it with" +
                " -javaagent:goroutines.jar)\n", dump.stderr(), dump.describe());
            target.writeLine("stop");
            assertEquals(0, target.await().exitCode());
        }
    }
}
