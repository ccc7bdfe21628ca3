package io.goroutines.internal.sched;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The monitor's judgement of a runaway's stack (the rest is tested in child JVMs by SchedulerIT). */
class SysmonTest
{
    private static StackTraceElement frame(final String className)
    {
        return new StackTraceElement(className, "m", "F.java", 1);
    }

    @Test
    void shouldNotBlameTheUserForTheRuntimesOwnLoops()
    {
        // closing a channel that a million wait on: the runtime's loop, under JDK frames
        assertTrue(Sysmon.inRuntime(new StackTraceElement[] {
            frame("java.util.concurrent.locks.LockSupport"), frame("io.goroutines.internal.sched.WaitQueue"),
            frame("io.goroutines.Chan"), frame("com.example.Main")}));
        assertTrue(Sysmon.inRuntime(new StackTraceElement[] {frame("io.goroutines.sync.Mutex")}));
    }

    @Test
    void shouldBlameLoopsInApplicationAndLibraryCode()
    {
        assertFalse(Sysmon.inRuntime(new StackTraceElement[] {
            frame("java.lang.Math"), frame("com.example.Main"), frame("io.goroutines.Chan")}));
        // the project's own test and sample programs live under io.goroutines but are not the runtime
        assertFalse(Sysmon.inRuntime(new StackTraceElement[] {frame("io.goroutines.it.apps.SchedulerApp")}));
        assertFalse(Sysmon.inRuntime(new StackTraceElement[] {frame("java.lang.Thread")}));
    }
}
