package io.goroutines.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a child JVM, usually with {@code -javaagent:goroutines.jar}, and captures what it did.
 * <pre>{@code
 * ChildJvm.Result result = ChildJvm.of(Java.V25)
 *     .agent("procs=2,verbose")
 *     .main(PrintArgs.class, "hello")
 *     .run();
 * assertEquals(0, result.exitCode(), result.describe());
 * }</pre>
 * The class path is this module's test classes (where the programs under {@code io.goroutines.it.apps}
 * are) plus whatever {@link #classpath(Path...)} adds: never the runtime, which the program gets from
 * the agent jar as a user's program would. Output goes to files, so a chatty child never blocks on a
 * full pipe; {@link #start()} gives a handle on a running child, {@link #run()} waits for it. A child
 * that outlives its timeout is killed, with its descendants, and reported as timed out.
 */
public final class ChildJvm
{
    /** Default time limit of a child. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final Java java;
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<Path> classpath = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> command = new ArrayList<>();
    private String agentOptions;
    private boolean agent;
    private Duration timeout = DEFAULT_TIMEOUT;

    private ChildJvm(final Java java)
    {
        this.java = java;
        classpath.add(Locations.testClasses());
    }

    /**
     * @param java which JVM to start
     * @return a child JVM to configure
     */
    public static ChildJvm of(final Java java)
    {
        return new ChildJvm(java);
    }

    /**
     * Adds {@code -javaagent:goroutines.jar} without options.
     *
     * @return this
     */
    public ChildJvm agent()
    {
        return agent(null);
    }

    /**
     * Adds {@code -javaagent:goroutines.jar=OPTIONS}.
     *
     * @param options the agent string, or null for none
     * @return this
     */
    public ChildJvm agent(final String options)
    {
        this.agent = true;
        this.agentOptions = options;
        return this;
    }

    /**
     * @param args JVM options, e.g. {@code -Xmx64m}
     * @return this
     */
    public ChildJvm jvmArgs(final String... args)
    {
        jvmArgs.addAll(List.of(args));
        return this;
    }

    /**
     * @param entries jars or directories to append to the class path
     * @return this
     */
    public ChildJvm classpath(final Path... entries)
    {
        classpath.addAll(List.of(entries));
        return this;
    }

    /**
     * @param name  environment variable of the child
     * @param value its value
     * @return this
     */
    public ChildJvm env(final String name, final String value)
    {
        env.put(name, value);
        return this;
    }

    /**
     * @param limit how long the child may run before it is killed
     * @return this
     */
    public ChildJvm timeout(final Duration limit)
    {
        this.timeout = limit;
        return this;
    }

    /**
     * Runs a main class.
     *
     * @param mainClass a class with {@code main}, compiled in this module
     * @param args      its arguments
     * @return this
     */
    public ChildJvm main(final Class<?> mainClass, final String... args)
    {
        command.clear();
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return this;
    }

    /**
     * Runs an executable jar ({@code java -jar}) instead of a main class.
     *
     * @param jar  the jar
     * @param args its arguments
     * @return this
     */
    public ChildJvm jar(final Path jar, final String... args)
    {
        command.clear();
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        return this;
    }

    /**
     * Starts the child and waits for it to end or time out.
     *
     * @return what it did
     */
    public Result run()
    {
        try (Running running = start())
        {
            running.closeInput();
            return running.await();
        }
    }

    /**
     * Starts the child; its standard input stays open until {@link Running#closeInput()}.
     *
     * @return the running child; close it to kill it if still alive
     */
    public Running start()
    {
        if (command.isEmpty())
        {
            fail("ChildJvm: give main(...) or jar(...) before starting");
        }
        final List<String> line = commandLine();
        try
        {
            final Path stdout = Files.createTempFile("child-", ".out");
            final Path stderr = Files.createTempFile("child-", ".err");
            final ProcessBuilder builder = new ProcessBuilder(line)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
            builder.environment().putAll(env);
            return new Running(line, builder.start(), stdout, stderr, timeout);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("ChildJvm: could not start " + line, ex);
        }
    }

    private List<String> commandLine()
    {
        final List<String> line = new ArrayList<>();
        line.add(java.launcher().toString());
        if (agent)
        {
            line.add("-javaagent:" + Locations.agentJar() + (null == agentOptions ? "" : "=" + agentOptions));
        }
        line.addAll(jvmArgs);
        if (!"-jar".equals(command.get(0)))
        {
            final List<String> entries = new ArrayList<>();
            classpath.forEach((entry) -> entries.add(entry.toString()));
            line.add("-cp");
            line.add(String.join(File.pathSeparator, entries));
        }
        line.addAll(command);
        return line;
    }

    /** A child that was started. */
    public static final class Running implements AutoCloseable
    {
        private final List<String> commandLine;
        private final Process process;
        private final Path stdout;
        private final Path stderr;
        private final long deadlineNs;

        private Running(
            final List<String> commandLine, final Process process, final Path stdout, final Path stderr,
            final Duration timeout)
        {
            this.commandLine = commandLine;
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
            this.deadlineNs = System.nanoTime() + timeout.toNanos();
        }

        /**
         * @return the child's process id, e.g. to attach to it
         */
        public long pid()
        {
            return process.pid();
        }

        /**
         * Writes a line to the child's standard input.
         *
         * @param line without line break
         */
        public void writeLine(final String line)
        {
            try
            {
                final OutputStream in = process.getOutputStream();
                in.write((line + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
                in.flush();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("ChildJvm: could not write to the child", ex);
            }
        }

        /** Closes the child's standard input (end of file). */
        public void closeInput()
        {
            try
            {
                process.getOutputStream().close();
            }
            catch (final IOException ignore)
            {
                // the child is gone already: nothing to close
            }
        }

        /**
         * Waits until the child's standard output contains a text; fails the test when the child ends or
         * the timeout passes first.
         *
         * @param text what to wait for
         */
        public void awaitStdout(final String text)
        {
            await(stdout, text);
        }

        /**
         * Waits until the child's standard error contains a text; fails the test when the child ends or
         * the timeout passes first.
         *
         * @param text what to wait for
         */
        public void awaitStderr(final String text)
        {
            await(stderr, text);
        }

        private void await(final Path output, final String text)
        {
            while (!read(output).contains(text))
            {
                if (!process.isAlive() || System.nanoTime() > deadlineNs)
                {
                    close();
                    fail("ChildJvm: the child never printed '" + text + "'\n" + snapshot(true).describe());
                }
                sleepBriefly();
            }
        }

        /**
         * Waits for the child to end; kills it (and its descendants) at the timeout.
         *
         * @return what it did
         */
        public Result await()
        {
            boolean timedOut = false;
            try
            {
                final long leftNs = deadlineNs - System.nanoTime();
                if (!process.waitFor(Math.max(0, leftNs), TimeUnit.NANOSECONDS))
                {
                    timedOut = true;
                    kill();
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                kill();
                timedOut = true;
            }
            return snapshot(timedOut);
        }

        /** Kills the child if it still runs, and deletes its output files. */
        @Override
        public void close()
        {
            if (process.isAlive())
            {
                kill();
            }
            try
            {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            }
            catch (final IOException ignore)
            {
                // a temporary file left behind is harmless
            }
        }

        private void kill()
        {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try
            {
                process.waitFor(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }

        private Result snapshot(final boolean timedOut)
        {
            final int exitCode = process.isAlive() ? -1 : process.exitValue();
            return new Result(String.join(" ", commandLine), exitCode, read(stdout), read(stderr), timedOut);
        }

        private static String read(final Path file)
        {
            try
            {
                return Files.readString(file, StandardCharsets.UTF_8);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        private static void sleepBriefly()
        {
            try
            {
                Thread.sleep(20);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * What a child did.
     *
     * @param commandLine how it was started
     * @param exitCode    its exit status; -1 if it was still running
     * @param stdout      its standard output
     * @param stderr      its standard error
     * @param timedOut    true when it was killed at the timeout
     */
    public record Result(String commandLine, int exitCode, String stdout, String stderr, boolean timedOut)
    {
        /**
         * @return everything, for assertion messages
         */
        public String describe()
        {
            return "command: " + commandLine + "\nexit code: " + exitCode + (timedOut ? " (killed at the timeout)" : "") +
                "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr + "\n---";
        }
    }
}
