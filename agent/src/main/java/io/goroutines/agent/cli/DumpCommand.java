package io.goroutines.agent.cli;

import io.goroutines.agent.install.DumpRequest;

import com.sun.tools.attach.VirtualMachine;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dump PID}: the goroutine dump of a running JVM, through the Attach API. The command loads
 * this jar into the target as an agent with the argument {@code dump=FILE}; the target writes its
 * dump to FILE ({@link DumpRequest}) and this command prints it. Exit status 0 with the dump, 1 when
 * the JVM cannot be attached to or runs no goroutines.
 */
@Command(name = "dump", description = {
    "Print every goroutine of a running JVM (started with -javaagent:goroutines.jar), in the format of",
    "Go.stack(true). The JVM must belong to the same user and allow attaching."})
final class DumpCommand implements Callable<Integer>
{
    /** Injected by Picocli. */
    @Spec
    private CommandSpec spec;

    /** The target. */
    @Parameters(index = "0", paramLabel = "PID", description = "Process id of the JVM.")
    private long pid;

    /**
     * @return 0 with the dump printed, 1 on failure
     */
    @Override
    public Integer call() throws Exception
    {
        final Path jar = ownJar();
        if (null == jar)
        {
            spec.commandLine().getErr().println("goroutines: dump needs to run from goroutines.jar" +
                " (java -jar goroutines.jar dump PID)");
            return 1;
        }
        final Path file = Files.createTempFile("goroutines-dump-", ".txt");
        try
        {
            final VirtualMachine vm;
            try
            {
                vm = VirtualMachine.attach(Long.toString(pid));
            }
            catch (final Exception ex)
            {
                spec.commandLine().getErr().println("goroutines: cannot attach to JVM " + pid + ": " + ex.getMessage() +
                    " (is it a JVM of this user, running without -XX:+DisableAttachMechanism?)");
                return 1;
            }
            try
            {
                vm.loadAgent(jar.toString(), DumpRequest.PREFIX + file);
            }
            finally
            {
                vm.detach();
            }
            final String dump = Files.readString(file, StandardCharsets.UTF_8);
            if (dump.isEmpty() || dump.startsWith(DumpRequest.NO_RUNTIME))
            {
                spec.commandLine().getErr().println("goroutines: JVM " + pid + " runs no goroutines (start it with" +
                    " -javaagent:goroutines.jar)");
                return 1;
            }
            spec.commandLine().getOut().print(dump);
            spec.commandLine().getOut().flush();
            return 0;
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }

    /** The jar this class was loaded from, or null when it was not loaded from a jar. */
    private static Path ownJar() throws URISyntaxException
    {
        final File f = new File(DumpCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return f.isFile() ? f.toPath() : null;
    }
}
