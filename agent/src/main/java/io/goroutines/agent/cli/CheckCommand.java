package io.goroutines.agent.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.goroutines.agent.transform.GoroutineTransformer;
import io.goroutines.agent.transform.TransformConfig;
import org.objectweb.asm.ClassReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code check JAR|DIR [--fail-on-pin] [--class-path PATH]}: what the agent would do to an
 * application's classes, without running it. Lists each method the agent would rewrite and each
 * call site that would pin, with the reason and what to do ({@link CheckListing}), then a summary.
 *
 * <h2>How</h2>
 * Each class file goes through the agent's own transform ({@link GoroutineTransformer#check}), so
 * the listing is what the agent does at class load with its default options, not a second opinion:
 * the same methods are found suspendable, the same call sites stay plain. The rewritten bytes are
 * dropped. Supertypes are read as class files through a class loader over the input, the
 * {@code --class-path} entries and this program's own classes (the runtime's {@code @Goroutine}
 * API); nothing is loaded or initialised. A supertype that cannot be found counts as having no
 * {@code @Goroutine} method, as in the agent, so dependencies belong on {@code --class-path}.
 *
 * <h2>Limits</h2>
 * Pinning is also found at run time, where the agent names each site once: reflection, proxies and
 * JDK code calling back into rewritten methods only show there. Conversely a plain method reported
 * here pins only if a goroutine runs it (a plain thread simply blocks).
 *
 * <p>Exit status: 0; 1 with {@code --fail-on-pin} when a call site would pin, or when an input
 * cannot be read; 2 for a usage error. Warnings of the transform (a class it would leave as it
 * was) go to stderr, as the agent prints them.
 */
@Command(
    name = "check",
    description = {
        "List the methods the agent would rewrite in JAR or DIR and every call site that would pin,"
            + " with the reason and what to do.",
        "Exits with status 1 with --fail-on-pin when a call site would pin."})
final class CheckCommand implements Callable<Integer>
{
    /** Exit status when the check fails: a call site would pin (with the flag), or an input cannot be read. */
    static final int EXIT_FAILED = 1;

    /** Injected by Picocli. */
    @Spec
    private CommandSpec spec;

    /** The classes to check. */
    @Parameters(index = "0", paramLabel = "JAR|DIR",
        description = "A jar file, or a directory of class files (such as target/classes).")
    private Path input;

    /** Whether a pinning call site fails the check. */
    @Option(names = "--fail-on-pin", description = "Exit with status 1 when any call site would pin.")
    private boolean failOnPin;

    /** Asks for the usage. */
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    /** Where supertypes outside the input are read from. */
    @Option(names = {"-cp", "--class-path"}, paramLabel = "PATH",
        description = "Jars and directories the classes depend on, separated by '${sys:path.separator}' (may be"
            + " repeated): supertypes are read from them, so that overrides of @Goroutine methods are found.")
    private List<String> classPath = new ArrayList<>();

    /**
     * @return 0, or {@link #EXIT_FAILED}
     */
    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final List<Path> roots = roots();
        for (int i = 0; i < roots.size(); i++)
        {
            if (!Files.exists(roots.get(i)))
            {
                err.println("goroutines: check: " + roots.get(i) + ": no such file or directory"
                    + (0 == i ? "" : " (named in --class-path)") + "; give a jar file or a directory of classes");
                return EXIT_FAILED;
            }
        }
        final CheckListing listing = new CheckListing();
        final int classes;
        try (URLClassLoader loader = new URLClassLoader("goroutines-check", urls(roots),
            CheckCommand.class.getClassLoader()))
        {
            final GoroutineTransformer transformer = new GoroutineTransformer(TransformConfig.defaults(), err::println);
            classes = ClassFiles.forEach(input, (path, bytes) -> check(transformer, loader, path, bytes, listing));
        }
        catch (final NoSuchFileException e)
        {
            err.println("goroutines: check: " + e.getFile() + ": no such file or directory");
            return EXIT_FAILED;
        }
        catch (final IOException e)
        {
            err.println("goroutines: check: cannot read " + input + " as a jar file or a directory of classes: " + e);
            return EXIT_FAILED;
        }
        for (final String line : listing.lines())
        {
            out.println(line);
        }
        out.println(listing.summary(classes));
        out.flush();
        if (failOnPin && listing.pins() > 0)
        {
            err.println("goroutines: check: failed (--fail-on-pin): " + listing.pins()
                + (1 == listing.pins() ? " call site" : " call sites") + " would pin");
            return EXIT_FAILED;
        }
        return 0;
    }

    /** Runs the transform's check on one class file; a file that is not a class is named on stderr. */
    private void check(final GoroutineTransformer transformer, final ClassLoader loader, final String path,
        final byte[] bytes, final CheckListing listing)
    {
        final String name;
        try
        {
            name = new ClassReader(bytes).getClassName();
        }
        catch (final RuntimeException e)
        {
            spec.commandLine().getErr().println("goroutines: check: " + path + " skipped, it is not a class file: "
                + e);
            return;
        }
        transformer.check(loader, name, bytes, listing);
    }

    /** The input, then the class path's entries. */
    private List<Path> roots()
    {
        final List<Path> roots = new ArrayList<>();
        roots.add(input);
        for (final String entries : classPath)
        {
            for (final String entry : entries.split(File.pathSeparator))
            {
                if (!entry.isEmpty())
                {
                    roots.add(Path.of(entry));
                }
            }
        }
        return roots;
    }

    private static URL[] urls(final List<Path> roots) throws MalformedURLException
    {
        final URL[] urls = new URL[roots.size()];
        for (int i = 0; i < urls.length; i++)
        {
            urls[i] = roots.get(i).toUri().toURL();
        }
        return urls;
    }
}
