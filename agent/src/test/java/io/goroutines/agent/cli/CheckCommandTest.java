package io.goroutines.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import com.example.check.Nothing;
import com.example.check.Rewritten;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * {@code check} on the classes of {@code com.example.check} (their line numbers are
 * asserted here) and on one generated class, {@code CtorArgs}, whose receive sits among a constructor
 * call's arguments in a shape the agent does not move (javac never makes it).
 */
class CheckCommandTest
{
    private static final String PKG = "com.example.check.";
    private static final String FIXTURES = "com/example/check/";

    /** What {@code check} prints for the fixtures, in order. */
    private static final List<String> EXPECTED = List.of(
        "rewrite " + PKG + "CtorArgs.make(Lio/goroutines/Chan;)Ljava/lang/StringBuilder; (CtorArgs.java:7)",
        "pin " + PKG + "CtorArgs.make (CtorArgs.java:7) calls @Goroutine io.goroutines.Chan.recv:"
            + " inside a constructor call's arguments;"
            + " store the blocking call's result in a local variable before the new expression",
        "rewrite " + PKG + "Locked.inBlock(Lio/goroutines/Chan;)Ljava/lang/String; (Locked.java:17)",
        "pin " + PKG + "Locked.inBlock (Locked.java:19) calls @Goroutine io.goroutines.Chan.recv:"
            + " monitor held (synchronized block); move the blocking call out of the synchronized block"
            + " (or guard the data with io.goroutines.sync.Mutex, which parks instead of blocking)",
        "rewrite " + PKG + "Locked.inMethod(Lio/goroutines/Chan;)Ljava/lang/String; (Locked.java:27)",
        "pin " + PKG + "Locked.inMethod (Locked.java:27) calls @Goroutine io.goroutines.Chan.recv:"
            + " monitor held (synchronized method); move the blocking call out of the synchronized method"
            + " (or guard the data with io.goroutines.sync.Mutex, which parks instead of blocking)",
        "pin " + PKG + "PlainCaller.<init> (PlainCaller.java:19) calls @Goroutine io.goroutines.Chan.recv:"
            + " constructor (constructors are never rewritten);"
            + " move the blocking call out of the constructor, e.g. into a @Goroutine static factory method",
        "pin " + PKG + "PlainCaller.plain (PlainCaller.java:25) calls @Goroutine io.goroutines.Chan.recv:"
            + " uninstrumented caller; annotate " + PKG + "PlainCaller.plain @Goroutine"
            + " (and the interface method it implements, if any)",
        "pin " + PKG + "PlainCaller.lambda$forEach$0 (PlainCaller.java:31) calls @Goroutine io.goroutines.Chan.recv:"
            + " uninstrumented caller (a lambda of java.util.function.Consumer.accept, which is not @Goroutine);"
            + " a lambda runs as plain code unless its functional interface method is @Goroutine:"
            + " use io.goroutines.Task or Action, or annotate the interface method @Goroutine",
        "pin " + PKG + "PlainCaller.forEach (PlainCaller.java:32) calls @Goroutine io.goroutines.Chan.send:"
            + " uninstrumented caller (a method reference used as java.util.function.Consumer.accept,"
            + " which is not @Goroutine); a method reference runs as plain code unless its functional interface"
            + " method is @Goroutine: use io.goroutines.Task or Action, or annotate the interface method @Goroutine",
        "rewrite " + PKG + "Rewritten.take(Lio/goroutines/Chan;)Ljava/lang/String; (Rewritten.java:21)",
        "rewrite " + PKG + "Rewritten.lambda$spawn$0(Lio/goroutines/Chan;)V (Rewritten.java:27)",
        "5 classes scanned, 5 methods to rewrite, 7 call sites that would pin");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    private Path temp;

    private Path classes;

    @BeforeEach
    void setUp() throws IOException, URISyntaxException
    {
        classes = temp.resolve("classes");
        final Path target = Files.createDirectories(classes.resolve(FIXTURES));
        final Path compiled = Path.of(Rewritten.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve(FIXTURES);
        try (Stream<Path> files = Files.list(compiled))
        {
            for (final Path f : files.toList())
            {
                Files.copy(f, target.resolve(f.getFileName().toString()));
            }
        }
        Files.write(target.resolve("CtorArgs.class"), ctorArgs());
    }

    @Test
    void shouldListRewrittenMethodsAndPinningSitesOfDirectory()
    {
        assertEquals(0, run("check", classes.toString()));

        assertEquals(EXPECTED, out.toString().lines().toList());
        assertEquals("", err.toString());
    }

    @Test
    void shouldListTheSameForJar() throws IOException
    {
        final Path jar = jar(classes, temp.resolve("app.jar"));

        assertEquals(0, run("check", jar.toString()));

        assertEquals(EXPECTED, out.toString().lines().toList());
        assertEquals("", err.toString());
    }

    @Test
    void shouldFailOnPinWithFlag()
    {
        assertEquals(1, run("check", "--fail-on-pin", classes.toString()));

        assertEquals(EXPECTED, out.toString().lines().toList());
        assertEquals("goroutines: check: failed (--fail-on-pin): 7 call sites would pin", err.toString().strip());
    }

    @Test
    void shouldPassWithFlagWhenNothingPins() throws IOException
    {
        final Path dir = Files.createDirectories(temp.resolve("clean").resolve(FIXTURES));
        for (final Class<?> c : List.of(Rewritten.class, Nothing.class))
        {
            final String file = c.getSimpleName() + ".class";
            Files.copy(classes.resolve(FIXTURES).resolve(file), dir.resolve(file));
        }

        assertEquals(0, run("check", "--fail-on-pin", temp.resolve("clean").toString()));

        assertEquals(List.of(
            "rewrite " + PKG + "Rewritten.take(Lio/goroutines/Chan;)Ljava/lang/String; (Rewritten.java:21)",
            "rewrite " + PKG + "Rewritten.lambda$spawn$0(Lio/goroutines/Chan;)V (Rewritten.java:27)",
            "2 classes scanned, 2 methods to rewrite, 0 call sites that would pin"), out.toString().lines().toList());
        assertEquals("", err.toString());
    }

    @Test
    void shouldFailNamingMissingPath()
    {
        final Path missing = temp.resolve("no-such.jar");

        assertEquals(1, run("check", missing.toString()));

        assertEquals("goroutines: check: " + missing + ": no such file or directory;"
            + " give a jar file or a directory of classes", err.toString().strip());
        assertEquals("", out.toString());
    }

    @Test
    void shouldFailNamingMissingClassPathEntry()
    {
        final Path missing = temp.resolve("lib.jar");

        assertEquals(1, run("check", "--class-path", missing.toString(), classes.toString()));

        assertEquals("goroutines: check: " + missing + ": no such file or directory (named in --class-path);"
            + " give a jar file or a directory of classes", err.toString().strip());
        assertEquals("", out.toString());
    }

    @Test
    void shouldFailOnFileThatIsNotJar() throws IOException
    {
        final Path text = Files.writeString(temp.resolve("notes.jar"), "not a jar");

        assertEquals(1, run("check", text.toString()));

        assertTrue(err.toString().startsWith("goroutines: check: cannot read " + text
            + " as a jar file or a directory of classes: "), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void shouldFailWithUsageWithoutInput()
    {
        assertEquals(2, run("check"));

        assertTrue(err.toString().contains("JAR|DIR"), err.toString());
    }

    @Test
    void shouldReportMethodLeftAsItWasWithItsCalls() throws IOException
    {
        final Path dir = Files.createDirectories(temp.resolve("unknown").resolve(FIXTURES));
        Files.write(dir.resolve("Unknown.class"), unknownTypes());

        assertEquals(0, run("check", temp.resolve("unknown").toString()));

        final String why = "its class could not be rewritten: class file of com.example.missing.A not found";
        assertEquals(List.of(
            "rewrite " + PKG + "Unknown.pick(ZLio/goroutines/Chan;)Ljava/lang/Object; (Unknown.java:5):"
                + " left as it was, it only takes the caller's token (" + why + ")",
            "pin " + PKG + "Unknown.pick (Unknown.java:5) calls @Goroutine io.goroutines.Chan.recv:"
                + " its method was left as it was (" + why + "); see the agent's warning about " + PKG + "Unknown",
            "1 class scanned, 1 method to rewrite, 1 call site that would pin"), out.toString().lines().toList());
        assertTrue(err.toString().startsWith("goroutines: " + PKG + "Unknown"), err.toString());
    }

    private int run(final String... args)
    {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    /** A jar of the class files under {@code dir}, with its directory entries as a build tool writes them. */
    private static Path jar(final Path dir, final Path jar) throws IOException
    {
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(os);
            Stream<Path> walk = Files.walk(dir))
        {
            for (final Path p : walk.filter(p -> !p.equals(dir)).sorted().toList())
            {
                final String name = dir.relativize(p).toString().replace('\\', '/');
                zip.putNextEntry(new JarEntry(Files.isDirectory(p) ? name + "/" : name));
                if (!Files.isDirectory(p))
                {
                    zip.write(Files.readAllBytes(p));
                }
                zip.closeEntry();
            }
        }
        return jar;
    }

    /**
     * {@code Unknown.pick(b, ch)}: {@code ch.recv(); return b ? new A() : new B()} at line 5, where
     * A and B have no class files, so the agent cannot merge their types and leaves the method as
     * it was (the class has no stack map frames: it is only read, never loaded).
     */
    private static byte[] unknownTypes()
    {
        final ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, FIXTURES + "Unknown", null,
            "java/lang/Object", null);
        cw.visitSource("Unknown.java", null);
        final MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "pick",
            "(ZLio/goroutines/Chan;)Ljava/lang/Object;", null, null);
        mv.visitAnnotation("Lio/goroutines/annotation/Goroutine;", true).visitEnd();
        mv.visitCode();
        final Label start = new Label();
        final Label other = new Label();
        final Label done = new Label();
        mv.visitLabel(start);
        mv.visitLineNumber(5, start);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "io/goroutines/Chan", "recv", "()Ljava/lang/Object;", false);
        mv.visitInsn(Opcodes.POP);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitJumpInsn(Opcodes.IFEQ, other);
        newObject(mv, "com/example/missing/A");
        mv.visitJumpInsn(Opcodes.GOTO, done);
        mv.visitLabel(other);
        newObject(mv, "com/example/missing/B");
        mv.visitLabel(done);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** {@code new type()}. Stack: {@code -> type}. */
    private static void newObject(final MethodVisitor mv, final String type)
    {
        mv.visitTypeInsn(Opcodes.NEW, type);
        mv.visitInsn(Opcodes.DUP);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, type, "<init>", "()V", false);
    }

    /**
     * {@code CtorArgs.make(ch)}: {@code new StringBuilder((String) ch.recv())} at line 7, with a NOP
     * between NEW and DUP, a shape the agent does not move, so the receive runs with an uninitialised
     * object on the stack.
     */
    private static byte[] ctorArgs()
    {
        final ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, FIXTURES + "CtorArgs", null,
            "java/lang/Object", null);
        cw.visitSource("CtorArgs.java", null);
        final MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "make",
            "(Lio/goroutines/Chan;)Ljava/lang/StringBuilder;", null, null);
        mv.visitAnnotation("Lio/goroutines/annotation/Goroutine;", true).visitEnd();
        mv.visitCode();
        final Label start = new Label();
        mv.visitLabel(start);
        mv.visitLineNumber(7, start);
        mv.visitTypeInsn(Opcodes.NEW, "java/lang/StringBuilder");
        mv.visitInsn(Opcodes.NOP);
        mv.visitInsn(Opcodes.DUP);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "io/goroutines/Chan", "recv", "()Ljava/lang/Object;", false);
        mv.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/String");
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/StringBuilder", "<init>", "(Ljava/lang/String;)V", false);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }
}
