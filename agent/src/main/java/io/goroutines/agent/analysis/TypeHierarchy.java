package io.goroutines.agent.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Map.Entry;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The class hierarchy as seen through class files, never through {@code Class} objects: reading a
 * supertype's class file as a resource of the defining loader does not load or initialise it, so
 * the transform cannot change class-initialisation order or deadlock on class loading.
 *
 * <p>One instance per defining loader ({@link #of(ClassLoader)}); JDK classes are cached once for
 * all. Answers are cached; an unknown class (no resource) answers {@code null} from
 * {@link #info(String)} and the callers treat it conservatively (not suspendable; a method whose
 * analysis needs it is left as it was).
 */
public final class TypeHierarchy
{
    /** Descriptor of the {@code @Goroutine} annotation. */
    public static final String GOROUTINE_DESC = "Lio/goroutines/annotation/Goroutine;";

    private static final ClassInfo MISSING = new ClassInfo("<missing>", null, new String[0], false, false, Map.of());
    private static final Map<String, ClassInfo> JDK = new ConcurrentHashMap<>();
    private static final Map<ClassLoader, TypeHierarchy> BY_LOADER = new WeakHashMap<>();
    private static final TypeHierarchy BOOT = new TypeHierarchy(null);

    /** Null for the bootstrap loader. */
    private final ClassLoader loader;
    private final Map<String, ClassInfo> cache = new ConcurrentHashMap<>();
    /** Classes being defined right now, known from their bytes rather than from resources. */
    private final Map<String, ClassInfo> overlay = new ConcurrentHashMap<>();
    /**
     * Answers of {@link #isSuspendable}, by owner and then by method ({@code name + desc}): two levels,
     * so that {@link #define} forgets one owner's answers at once (a scan of one flat map per class
     * defined made loading n classes cost n times the map: seconds for a few thousand classes).
     */
    private final Map<String, Map<String, Boolean>> suspendable = new ConcurrentHashMap<>();

    private TypeHierarchy(final ClassLoader loader)
    {
        this.loader = loader;
    }

    /** The hierarchy seen from {@code loader} (null: bootstrap). */
    public static TypeHierarchy of(final ClassLoader loader)
    {
        if (null == loader)
        {
            return BOOT;
        }
        synchronized (BY_LOADER)
        {
            return BY_LOADER.computeIfAbsent(loader, TypeHierarchy::new);
        }
    }

    /** Parses the hierarchy facts out of a class file. */
    public static ClassInfo parse(final byte[] classfile)
    {
        final ClassReader reader = new ClassReader(classfile);
        final Map<String, ClassInfo.MethodInfo> methods = new HashMap<>();
        final String[] header = new String[2];
        final boolean[] iface = new boolean[2];
        final String[][] interfaces = new String[1][];
        reader.accept(new ClassVisitor(Opcodes.ASM9)
        {
            @Override
            public void visit(final int version, final int access, final String name, final String signature,
                final String superName, final String[] itfs)
            {
                header[0] = name;
                header[1] = superName;
                iface[0] = (access & Opcodes.ACC_INTERFACE) != 0;
                iface[1] = (access & Opcodes.ACC_PUBLIC) != 0;
                interfaces[0] = null == itfs ? new String[0] : itfs;
            }

            @Override
            public MethodVisitor visitMethod(final int access, final String name, final String descriptor,
                final String signature, final String[] exceptions)
            {
                final String key = name + descriptor;
                methods.put(key, new ClassInfo.MethodInfo(access, false));
                return new MethodVisitor(Opcodes.ASM9)
                {
                    @Override
                    public AnnotationVisitor visitAnnotation(final String desc, final boolean visible)
                    {
                        if (GOROUTINE_DESC.equals(desc))
                        {
                            methods.put(key, new ClassInfo.MethodInfo(access, true));
                        }
                        return null;
                    }
                };
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return new ClassInfo(header[0], header[1], interfaces[0], iface[0], iface[1], methods);
    }

    /** Makes the class being defined known from its bytes (its resource may not exist or differ). */
    public void define(final ClassInfo info)
    {
        overlay.put(info.name(), info);
        cache.put(info.name(), info);
        suspendable.remove(info.name());
    }

    /** Facts about {@code name}, or null when its class file cannot be found. */
    public ClassInfo info(final String name)
    {
        if (name.charAt(0) == '[')
        {
            return info("java/lang/Object");
        }
        final ClassInfo o = overlay.get(name);
        if (null != o)
        {
            return o;
        }
        final boolean jdk = isJdk(name);
        final Map<String, ClassInfo> map = jdk ? JDK : cache;
        ClassInfo info = map.get(name);
        if (null == info)
        {
            info = read(jdk ? null : loader, name);
            map.put(name, info);
        }
        return info == MISSING ? null : info;
    }

    private static boolean isJdk(final String name)
    {
        return name.startsWith("java/") || name.startsWith("javax/") || name.startsWith("jdk/")
            || name.startsWith("sun/") || name.startsWith("com/sun/");
    }

    private static ClassInfo read(final ClassLoader loader, final String name)
    {
        final String resource = name + ".class";
        try (InputStream in = null == loader
            ? ClassLoader.getSystemResourceAsStream(resource) : loader.getResourceAsStream(resource))
        {
            if (null == in)
            {
                return MISSING;
            }
            return parse(in.readAllBytes());
        }
        catch (final IOException | RuntimeException e)
        {
            return MISSING;
        }
    }

    /** Whether {@code name} is an interface; false when unknown. */
    public boolean isInterface(final String name)
    {
        final ClassInfo info = info(name);
        return null != info && info.isInterface();
    }

    /** Whether every type needed to answer about {@code name} is known. */
    public boolean isKnown(final String name)
    {
        return null != info(name);
    }

    /**
     * Whether code in class {@code from} may name {@code type} (in a cast): primitives and public
     * classes always, others only from their own package. Unknown classes answer false.
     */
    public boolean isAccessibleFrom(final org.objectweb.asm.Type type, final String from)
    {
        org.objectweb.asm.Type t = type;
        while (t.getSort() == org.objectweb.asm.Type.ARRAY)
        {
            t = t.getElementType();
        }
        if (t.getSort() != org.objectweb.asm.Type.OBJECT || "Lnull;".equals(t.getDescriptor()))
        {
            return true;
        }
        final String name = t.getInternalName();
        final ClassInfo info = info(name);
        if (null == info)
        {
            return false;
        }
        return info.isPublic() || packageOf(name).equals(packageOf(from));
    }

    private static String packageOf(final String internalName)
    {
        final int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash);
    }

    /** Superclass of {@code name}, null for Object or when unknown. */
    public String superName(final String name)
    {
        final ClassInfo info = info(name);
        return null == info ? null : info.superName();
    }

    /** Whether {@code sub} is {@code sup} or a subclass/implementation of it. Unknown types answer false. */
    public boolean isSubtype(final String sub, final String sup)
    {
        if (sub.equals(sup) || "java/lang/Object".equals(sup))
        {
            return true;
        }
        final ClassInfo info = info(sub);
        if (null == info)
        {
            return false;
        }
        if (null != info.superName() && isSubtype(info.superName(), sup))
        {
            return true;
        }
        for (final String itf : info.interfaces())
        {
            if (isSubtype(itf, sup))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The most specific common superclass, as the JVM verifier merges types (interfaces merge to
     * Object). Throws {@link UnknownTypeException} when a type is unknown.
     */
    public String commonSuperClass(final String a, final String b)
    {
        if (a.equals(b))
        {
            return a;
        }
        requireKnown(a);
        requireKnown(b);
        if (isSubtype(a, b))
        {
            return isInterface(b) ? "java/lang/Object" : b;
        }
        if (isSubtype(b, a))
        {
            return isInterface(a) ? "java/lang/Object" : a;
        }
        if (isInterface(a) || isInterface(b))
        {
            return "java/lang/Object";
        }
        String s = a;
        while (null != s && !isSubtype(b, s))
        {
            s = superName(s);
            if (null != s)
            {
                requireKnown(s);
            }
        }
        return null == s ? "java/lang/Object" : s;
    }

    /** Throws {@link UnknownTypeException} when the class file of {@code name} cannot be found. */
    public void requireKnown(final String name)
    {
        if (null == info(name))
        {
            throw new UnknownTypeException(name);
        }
    }

    /**
     * Whether a call to {@code owner.name desc} may suspend: the method, as declared in
     * {@code owner} or inherited from a supertype, or any method it overrides, is {@code @Goroutine}.
     */
    public boolean isSuspendable(final String owner, final String name, final String desc)
    {
        if (name.charAt(0) == '<' || owner.charAt(0) == '[')
        {
            return false;
        }
        final String method = name + desc;
        final Map<String, Boolean> answers = suspendable.computeIfAbsent(owner, k -> new ConcurrentHashMap<>());
        final Boolean known = answers.get(method);
        if (null != known)
        {
            return known;
        }
        final boolean answer = declaresGoroutine(owner, method, 0);
        answers.put(method, answer);
        return answer;
    }

    /** Whether {@code owner} or a supertype declares {@code method} with {@code @Goroutine}. */
    private boolean declaresGoroutine(final String owner, final String method, final int depth)
    {
        if (null == owner || depth > 64)
        {
            return false;
        }
        final ClassInfo info = info(owner);
        if (null == info)
        {
            return false;
        }
        final ClassInfo.MethodInfo m = info.methods().get(method);
        if (null != m && m.goroutine())
        {
            return true;
        }
        if (null != m && (m.access() & (Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC)) != 0)
        {
            return false; // private and static methods override nothing
        }
        if (declaresGoroutine(info.superName(), method, depth + 1))
        {
            return true;
        }
        for (final String itf : info.interfaces())
        {
            if (declaresGoroutine(itf, method, depth + 1))
            {
                return true;
            }
        }
        return false;
    }

    /** For tests: the methods of {@code owner} that are suspendable by declaration or inheritance. */
    public Map<String, Boolean> suspendableMethods(final String owner)
    {
        final Map<String, Boolean> out = new HashMap<>();
        final ClassInfo info = info(owner);
        if (null != info)
        {
            for (final Entry<String, ClassInfo.MethodInfo> e : info.methods().entrySet())
            {
                final String key = e.getKey();
                final int paren = key.indexOf('(');
                out.put(key, isSuspendable(owner, key.substring(0, paren), key.substring(paren)));
            }
        }
        return out;
    }
}
