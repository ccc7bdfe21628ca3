package io.goroutines.agent.analysis;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.SimpleVerifier;

/**
 * ASM's {@link SimpleVerifier} with the class hierarchy read from class files
 * ({@link TypeHierarchy}) instead of loaded classes, and with uninitialised objects (the value of
 * {@code NEW} before its constructor ran) told apart from initialised ones ({@link UninitValue}).
 *
 * <p>Two modes. The <em>analysis</em> mode (verify = false) only infers types: it accepts whatever
 * javac or another compiler produced. The <em>verify</em> mode checks assignability as the JVM's
 * type checker does (interfaces are treated as Object), and is run over rewritten methods before
 * they are handed to the JVM: a method that fails is left as it was rather than failing to load.
 */
public final class TypeInterpreter extends SimpleVerifier
{
    private static final Type OBJECT = Type.getObjectType("java/lang/Object");

    private final TypeHierarchy hierarchy;
    private final boolean verify;

    public TypeInterpreter(final TypeHierarchy hierarchy, final Type currentClass, final Type superClass,
        final boolean isInterface, final boolean verify)
    {
        super(Opcodes.ASM9, currentClass, superClass, null, isInterface);
        this.hierarchy = hierarchy;
        this.verify = verify;
    }

    @Override
    public BasicValue newOperation(final AbstractInsnNode insn) throws AnalyzerException
    {
        if (insn.getOpcode() == Opcodes.NEW)
        {
            return new UninitValue(Type.getObjectType(((TypeInsnNode) insn).desc), insn);
        }
        return super.newOperation(insn);
    }

    @Override
    protected boolean isSubTypeOf(final BasicValue value, final BasicValue expected)
    {
        if (!verify)
        {
            return true;
        }
        final Type type = value.getType();
        final Type expectedType = expected.getType();
        if (null == type || null == expectedType)
        {
            return type == expectedType;
        }
        if (type.equals(expectedType))
        {
            return true;
        }
        final int sort = expectedType.getSort();
        if (sort != Type.OBJECT && sort != Type.ARRAY)
        {
            return false;
        }
        if (type.getSort() != Type.OBJECT && type.getSort() != Type.ARRAY)
        {
            return false;
        }
        if ("Lnull;".equals(type.getDescriptor()))
        {
            return true;
        }
        if (sort == Type.OBJECT)
        {
            final String target = expectedType.getInternalName();
            if ("java/lang/Object".equals(target))
            {
                return true;
            }
            if (type.getSort() == Type.ARRAY)
            {
                return "java/lang/Cloneable".equals(target) || "java/io/Serializable".equals(target);
            }
            hierarchy.requireKnown(target);
            hierarchy.requireKnown(type.getInternalName());
            return hierarchy.isInterface(target) || hierarchy.isSubtype(type.getInternalName(), target);
        }
        if (type.getSort() != Type.ARRAY)
        {
            return false;
        }
        final Type elem = Type.getType(type.getDescriptor().substring(1));
        final Type expectedElem = Type.getType(expectedType.getDescriptor().substring(1));
        if (elem.getSort() < Type.ARRAY || expectedElem.getSort() < Type.ARRAY)
        {
            return elem.equals(expectedElem);
        }
        return isSubTypeOf(newValue(elem), newValue(expectedElem));
    }

    @Override
    public BasicValue merge(final BasicValue value1, final BasicValue value2)
    {
        if (value1 instanceof UninitValue || value2 instanceof UninitValue)
        {
            return value1.equals(value2) ? value1 : BasicValue.UNINITIALIZED_VALUE;
        }
        return super.merge(value1, value2);
    }

    @Override
    protected boolean isInterface(final Type type)
    {
        hierarchy.requireKnown(type.getInternalName());
        return hierarchy.isInterface(type.getInternalName());
    }

    @Override
    protected Type getSuperClass(final Type type)
    {
        hierarchy.requireKnown(type.getInternalName());
        final String s = hierarchy.superName(type.getInternalName());
        return null == s ? null : Type.getObjectType(s);
    }

    @Override
    protected boolean isAssignableFrom(final Type type1, final Type type2)
    {
        if (type1.equals(type2) || OBJECT.equals(type1))
        {
            return true;
        }
        hierarchy.requireKnown(type1.getInternalName());
        hierarchy.requireKnown(type2.getInternalName());
        return hierarchy.isSubtype(type2.getInternalName(), type1.getInternalName());
    }

    @Override
    protected Class<?> getClass(final Type type)
    {
        throw new IllegalStateException("transform: the analysis must never load " + type.getClassName());
    }
}
