package io.goroutines.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The class files of a jar or of a directory of classes, handed over one at a time in the order of
 * their paths, so that a large jar is never held in memory at once.
 * <p>
 * Left out: {@code module-info.class} (not a class) and, in a jar, the copies of classes under
 * {@code META-INF/versions/} (a multi-release jar's variants of classes it already holds).
 */
final class ClassFiles
{
    /** Suffix of a class file. */
    private static final String CLASS = ".class";

    private ClassFiles()
    {
    }

    /** Receives one class file. */
    @FunctionalInterface
    interface Visitor
    {
        /**
         * @param path  where the class file is: its path in the jar, or the file's path
         * @param bytes the class file
         */
        void visit(String path, byte[] bytes);
    }

    /**
     * Hands each class file of {@code input} to {@code visitor}.
     *
     * @param input   a jar file or a directory
     * @param visitor receives each class file
     * @return how many class files were handed over
     * @throws NoSuchFileException when {@code input} does not exist
     * @throws IOException         when it cannot be read, or is a file that is not a jar
     */
    static int forEach(final Path input, final Visitor visitor) throws IOException
    {
        if (Files.isDirectory(input))
        {
            return forEachInDirectory(input, visitor);
        }
        if (!Files.exists(input))
        {
            throw new NoSuchFileException(input.toString());
        }
        return forEachInJar(input, visitor);
    }

    private static int forEachInDirectory(final Path dir, final Visitor visitor) throws IOException
    {
        final List<Path> files;
        try (Stream<Path> walk = Files.walk(dir))
        {
            files = walk.filter(p -> Files.isRegularFile(p) && isClass(p.getFileName().toString())).sorted().toList();
        }
        for (final Path p : files)
        {
            visitor.visit(p.toString(), Files.readAllBytes(p));
        }
        return files.size();
    }

    private static int forEachInJar(final Path jar, final Visitor visitor) throws IOException
    {
        try (ZipFile zip = new ZipFile(jar.toFile()))
        {
            final List<String> names = new ArrayList<>();
            for (final ZipEntry e : Collections.list(zip.entries()))
            {
                if (!e.isDirectory() && isClass(e.getName()) && !e.getName().startsWith("META-INF/versions/"))
                {
                    names.add(e.getName());
                }
            }
            Collections.sort(names);
            for (final String name : names)
            {
                try (InputStream in = zip.getInputStream(zip.getEntry(name)))
                {
                    visitor.visit(name, in.readAllBytes());
                }
            }
            return names.size();
        }
    }

    private static boolean isClass(final String name)
    {
        return name.endsWith(CLASS) && !name.endsWith("module-info" + CLASS);
    }
}
