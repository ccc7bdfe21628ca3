package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.sun.tools.attach.VirtualMachine;

import io.goroutines.it.apps.AttachTarget;

/**
 * {@code agentmain}: the agent attached to a JVM that is already running, which it must never end,
 * and whose already-loaded classes it retransforms.
 */
class AttachIT
{
    @Test
    void shouldLoadIntoARunningJvm() throws Exception
    {
        try (ChildJvm.Running child = ChildJvm.of(Java.V17).main(AttachTarget.class).start())
        {
            child.awaitStdout(AttachTarget.READY);
            final VirtualMachine vm = VirtualMachine.attach(Long.toString(child.pid()));
            try
            {
                vm.loadAgent(Locations.agentJar().toString(), "verbose");
            }
            finally
            {
                vm.detach();
            }
            child.closeInput();
            final ChildJvm.Result result = child.await();

            assertEquals(0, result.exitCode(), result.describe());
            assertTrue(result.stdout().contains("before=6") && result.stdout().contains("after=10"), result.describe());
            assertTrue(result.stdout().contains(AttachTarget.DONE), result.describe());
            assertTrue(result.stderr().contains("goroutines: agent " + Locations.version() + " active"), result.describe());
            assertFalse(result.stderr().contains("could not retransform"), result.describe());
        }
    }

    @Test
    void shouldNeverEndARunningJvmOnBadOption() throws Exception
    {
        try (ChildJvm.Running child = ChildJvm.of(Java.V17).main(AttachTarget.class).start())
        {
            child.awaitStdout(AttachTarget.READY);
            final VirtualMachine vm = VirtualMachine.attach(Long.toString(child.pid()));
            try
            {
                vm.loadAgent(Locations.agentJar().toString(), "procs=zero");
            }
            finally
            {
                vm.detach();
            }
            child.closeInput();
            final ChildJvm.Result result = child.await();

            assertEquals(0, result.exitCode(), result.describe());
            assertTrue(result.stdout().contains(AttachTarget.DONE), result.describe());
            assertTrue(result.stderr().contains("goroutines: bad value 'zero' for option 'procs'"), result.describe());
            assertTrue(result.stderr().contains("goroutines: the agent is not loaded"), result.describe());
        }
    }
}
