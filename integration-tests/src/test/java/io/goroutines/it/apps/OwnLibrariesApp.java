package io.goroutines.it.apps;

import java.lang.reflect.Method;
import java.security.CodeSource;

import io.goroutines.annotation.Goroutine;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * An application with its own versions of the libraries the agent shades (ASM, ByteBuddy, Agrona),
 * using them while the agent runs. Prints {@code key=value} lines: where each library was loaded
 * from and what using it gave.
 */
public final class OwnLibrariesApp
{
    private OwnLibrariesApp()
    {
    }

    /**
     * @param args unused
     * @throws Exception if a library fails, which the test sees as a non-zero exit
     */
    public static void main(final String[] args) throws Exception
    {
        System.out.println("asm=" + where(ClassWriter.class));
        System.out.println("asm-result=" + generateWithAsm());
        System.out.println("bytebuddy=" + where(ByteBuddy.class));
        System.out.println("bytebuddy-result=" + generateWithByteBuddy());
        System.out.println("agrona=" + where(ManyToOneConcurrentArrayQueue.class));
        System.out.println("agrona-result=" + useAgrona());
        System.out.println("agent-asm=" + where(Class.forName("io.goroutines.agent.shaded.org.objectweb.asm.ClassReader")));
        System.out.println("goroutine-method=" + suspendable());
    }

    /** A {@code @Goroutine} method in a class that also uses the libraries, called as plain code. */
    @Goroutine
    static String suspendable()
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3; i++)
        {
            text.append(i);
        }
        return text.toString();
    }

    private static String generateWithAsm() throws Exception
    {
        final String name = "io/goroutines/it/apps/AsmGenerated";
        final ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL, name, null, "java/lang/Object", null);
        final MethodVisitor method = writer.visitMethod(
            Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "value", "()Ljava/lang/String;", null, null);
        method.visitCode();
        method.visitLdcInsn("asm " + Opcodes.class.getPackage().getImplementationVersion());
        method.visitInsn(Opcodes.ARETURN);
        method.visitMaxs(0, 0);
        method.visitEnd();
        writer.visitEnd();
        final byte[] classfile = writer.toByteArray();
        final Class<?> generated = new ClassLoader(OwnLibrariesApp.class.getClassLoader())
        {
            Class<?> define()
            {
                return defineClass(name.replace('/', '.'), classfile, 0, classfile.length);
            }
        }.define();
        final Method value = generated.getMethod("value");
        return (String)value.invoke(null);
    }

    private static String generateWithByteBuddy() throws Exception
    {
        final Class<?> type = new ByteBuddy(ClassFileVersion.JAVA_V8)
            .subclass(Object.class)
            .method(ElementMatchers.named("toString"))
            .intercept(FixedValue.value("bytebuddy"))
            .make()
            .load(OwnLibrariesApp.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
            .getLoaded();
        return type.getDeclaredConstructor().newInstance().toString();
    }

    private static String useAgrona()
    {
        final ManyToOneConcurrentArrayQueue<String> queue = new ManyToOneConcurrentArrayQueue<>(4);
        queue.offer("agrona");
        final Int2IntHashMap map = new Int2IntHashMap(-1);
        map.put(1, 21);
        return queue.poll() + " " + map.get(1);
    }

    private static String where(final Class<?> type)
    {
        final CodeSource source = type.getProtectionDomain().getCodeSource();
        return null == source ? "(bootstrap)" : source.getLocation().getPath();
    }
}
