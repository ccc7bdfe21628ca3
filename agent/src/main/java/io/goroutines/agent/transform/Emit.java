package io.goroutines.agent.transform;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Small generators of instruction sequences, each documented with its stack effect. The names of
 * the runtime members the rewritten code links against live here and nowhere else.
 */
final class Emit
{
    /** The goroutine class. */
    static final String G = "io/goroutines/internal/sched/G";
    /** The frame store class, which G extends: rewritten code calls its methods on the G. */
    static final String FRAMES = "io/goroutines/internal/stack/Frames";
    /** The class whose static methods are the suspension leaves. */
    static final String SUSPEND = "io/goroutines/internal/sched/Suspend";
    /** Descriptor of a G. */
    static final String G_DESC = "L" + G + ";";
    /** The carrier thread class, which holds the signal word and the running goroutine. */
    static final String CARRIER = "io/goroutines/internal/sched/Carrier";
    /** Descriptor of a carrier. */
    static final String CARRIER_DESC = "L" + CARRIER + ";";

    static final int SIG_NONE = 0;
    static final int SIG_CALL = 1;
    static final int SIG_UNWIND = 2;
    static final int SIG_RESUME = 3;

    private Emit()
    {
    }

    /** Pushes an int constant. Stack: {@code -> I}. */
    static AbstractInsnNode iconst(final int v)
    {
        if (v >= -1 && v <= 5)
        {
            return new InsnNode(Opcodes.ICONST_0 + v);
        }
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE)
        {
            return new IntInsnNode(Opcodes.BIPUSH, v);
        }
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE)
        {
            return new IntInsnNode(Opcodes.SIPUSH, v);
        }
        return new LdcInsnNode(v);
    }

    /** {@code Carrier.here()}: the carrier running this code, or null. Stack: {@code -> Carrier}. */
    static AbstractInsnNode hereCarrier()
    {
        return new MethodInsnNode(Opcodes.INVOKESTATIC, CARRIER, "here", "()" + CARRIER_DESC, false);
    }

    /** {@code c.current}: the goroutine, which is also the frame store. Stack: {@code Carrier -> G}. */
    static AbstractInsnNode goroutineOf()
    {
        return new FieldInsnNode(Opcodes.GETFIELD, CARRIER, "current", G_DESC);
    }

    /**
     * A static helper of {@code G} that takes the carrier (arm, clearCall, signalled, unwinding,
     * preemptRequested, preempted): {@code name(Carrier[, int])} returning {@code ret}. Stack: as its
     * descriptor.
     */
    static AbstractInsnNode gHelper(final String name, final String moreArgs, final String ret)
    {
        return new MethodInsnNode(Opcodes.INVOKESTATIC, G, name, "(" + CARRIER_DESC + moreArgs + ")" + ret, false);
    }

    /** {@code G.consume(token)}: take the caller's token if it is {@code token}. Stack: {@code ->}. */
    static InsnList consumeToken(final int token)
    {
        final InsnList l = new InsnList();
        l.add(iconst(token));
        l.add(new MethodInsnNode(Opcodes.INVOKESTATIC, G, "consume", "(I)V", false));
        return l;
    }

    /** The token a call to {@code name desc} is armed with (the runtime's {@code Tokens.of}). */
    static int token(final String name, final String desc)
    {
        return io.goroutines.internal.sched.Tokens.of(name, desc);
    }

    /** {@code c.sig}. Stack: {@code Carrier -> I}. */
    static AbstractInsnNode getSig()
    {
        return new FieldInsnNode(Opcodes.GETFIELD, CARRIER, "sig", "I");
    }

    /** {@code c.sig = v}. Stack: {@code Carrier, I ->}. */
    static AbstractInsnNode putSig()
    {
        return new FieldInsnNode(Opcodes.PUTFIELD, CARRIER, "sig", "I");
    }

    /** {@code c.preempt} (volatile). Stack: {@code Carrier -> Z}. */
    static AbstractInsnNode getPreempt()
    {
        return new FieldInsnNode(Opcodes.GETFIELD, CARRIER, "preempt", "Z");
    }

    /** {@code Thread.currentThread()}, a JIT intrinsic. Stack: {@code -> Thread}. */
    static AbstractInsnNode currentThread()
    {
        return new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/Thread", "currentThread", "()Ljava/lang/Thread;", false);
    }

    /** {@code c.sig = v} for the carrier in {@code cLocal}. Stack: {@code ->}. */
    static InsnList setSig(final int cLocal, final int v)
    {
        final InsnList l = new InsnList();
        l.add(new VarInsnNode(Opcodes.ALOAD, cLocal));
        l.add(iconst(v));
        l.add(putSig());
        return l;
    }

    /** Loads a local of {@code type}. Stack: {@code -> value}. */
    static AbstractInsnNode load(final Type type, final int local)
    {
        return new VarInsnNode(type.getOpcode(Opcodes.ILOAD), local);
    }

    /** Stores into a local of {@code type}. Stack: {@code value ->}. */
    static AbstractInsnNode store(final Type type, final int local)
    {
        return new VarInsnNode(type.getOpcode(Opcodes.ISTORE), local);
    }

    /** Pops a value of {@code type} (nothing for void). Stack: {@code value ->}. */
    static InsnList pop(final Type type)
    {
        final InsnList l = new InsnList();
        if (type.getSize() == 2)
        {
            l.add(new InsnNode(Opcodes.POP2));
        }
        else if (type.getSize() == 1)
        {
            l.add(new InsnNode(Opcodes.POP));
        }
        return l;
    }

    /** The zero value of {@code type} (nothing for void). Stack: {@code -> zero}. */
    static InsnList zero(final Type type)
    {
        final InsnList l = new InsnList();
        switch (type.getSort())
        {
            case Type.VOID:
                break;
            case Type.LONG:
                l.add(new InsnNode(Opcodes.LCONST_0));
                break;
            case Type.FLOAT:
                l.add(new InsnNode(Opcodes.FCONST_0));
                break;
            case Type.DOUBLE:
                l.add(new InsnNode(Opcodes.DCONST_0));
                break;
            case Type.OBJECT:
            case Type.ARRAY:
                l.add(new InsnNode(Opcodes.ACONST_NULL));
                break;
            default:
                l.add(new InsnNode(Opcodes.ICONST_0));
                break;
        }
        return l;
    }

    /** Returns the zero value of the method's return type. Stack: {@code -> (returns)}. */
    static InsnList returnZero(final Type returnType)
    {
        final InsnList l = zero(returnType);
        l.add(new InsnNode(returnType.getOpcode(Opcodes.IRETURN)));
        return l;
    }

    /** Storage kind of a value in the frame store. */
    enum Slot
    {
        INT("putInt", "getInt", "I"),
        LONG("putLong", "getLong", "J"),
        FLOAT("putFloat", "getFloat", "F"),
        DOUBLE("putDouble", "getDouble", "D"),
        REF("putRef", "getRef", "Ljava/lang/Object;");

        final String put;
        final String get;
        final String desc;

        Slot(final String put, final String get, final String desc)
        {
            this.put = put;
            this.get = get;
            this.desc = desc;
        }

        static Slot of(final Type type)
        {
            switch (type.getSort())
            {
                case Type.LONG:
                    return LONG;
                case Type.FLOAT:
                    return FLOAT;
                case Type.DOUBLE:
                    return DOUBLE;
                case Type.OBJECT:
                case Type.ARRAY:
                    return REF;
                default:
                    return INT;
            }
        }

        boolean isRef()
        {
            return this == REF;
        }
    }

    /**
     * {@code g.putX(index, local)} on the goroutine, which is its own frame store. Stack: {@code ->}.
     */
    static InsnList put(final int gLocal, final int index, final Type type, final int local)
    {
        final Slot slot = Slot.of(type);
        final InsnList l = new InsnList();
        l.add(new VarInsnNode(Opcodes.ALOAD, gLocal));
        l.add(iconst(index));
        l.add(load(type, local));
        l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, G, slot.put, "(I" + slot.desc + ")V", false));
        return l;
    }

    /**
     * {@code g.getX(index)}, cast back to {@code type}. Stack: {@code -> value}.
     */
    static InsnList get(final int gLocal, final int index, final Type type, final boolean cast)
    {
        final Slot slot = Slot.of(type);
        final InsnList l = new InsnList();
        l.add(new VarInsnNode(Opcodes.ALOAD, gLocal));
        l.add(iconst(index));
        l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, G, slot.get, "(I)" + slot.desc, false));
        if (cast)
        {
            l.add(new TypeInsnNode(Opcodes.CHECKCAST, type.getSort() == Type.ARRAY ? type.getDescriptor()
                : type.getInternalName()));
        }
        return l;
    }
}
