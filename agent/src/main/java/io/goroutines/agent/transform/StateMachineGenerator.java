package io.goroutines.agent.transform;

import io.goroutines.agent.analysis.SuspensionPoint;
import io.goroutines.agent.analysis.TypeFrame;
import io.goroutines.internal.stack.Frames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.BasicValue;

/**
 * Emits the state machine of one method whose suspension points are known (the code shape is in
 * {@link MethodRewriter}'s class comment).
 *
 * <h2>Why layouts</h2>
 * The JIT inlines a method only while its bytecode is small (325 bytes for a hot call), so the code
 * a rewrite adds decides whether a rewritten call chain inlines as the original one does. Call sites
 * whose saved values have the same types (the same live locals, operand stack and saved arguments:
 * a <em>layout</em>) share one save block and one restore block; each site adds only its fast path
 * (arm, call, check: a store and a load of the carrier's signal word), a stub that
 * records its site id and jumps to the save block, and a tail that pushes its call's arguments and
 * jumps back to the call. In a method whose sites all look alike (a dispatcher calling one of many
 * methods with the same locals live) the added code no longer grows with a save and a restore per
 * site.
 *
 * <p>Invariants:
 * <ul>
 *   <li>the saved slots of a layout are numbered the same way by its save and its restore block;</li>
 *   <li>{@code siteLocal} holds the site id from the stub to the {@code push} and from the
 *       {@code resume} to the site's tail;</li>
 *   <li>a layout's restore block leaves exactly the types the analysis found before each of its
 *       calls (locals, operand stack below the arguments), so the verifier accepts the merge.</li>
 * </ul>
 */
final class StateMachineGenerator
{
    private final MethodNode method;
    private final List<SuspensionPoint> points;
    private final int methodId;
    private final Type returnType;
    /**
     * The carrier ({@code Carrier.here()}), whose signal word the fast path arms and checks; null on a
     * plain thread and when entered from plain code (the frame then runs pinned).
     */
    private final int cLocal;
    /** The goroutine ({@code c.current}), its frame store: set where the frame saves or restores itself. */
    private final int gLocal;
    private final int siteLocal;
    /** First temp local; temps are shared between sites and layouts (dead between them). */
    private final int tempBase;
    private int maxLocals;
    private final LabelNode dispatch = new LabelNode();
    private final Map<String, Layout> layouts = new LinkedHashMap<>();
    /** Per site: its layout. */
    private final List<Layout> layoutOf = new ArrayList<>();

    /** Sites whose saved values have the same types. */
    private final class Layout
    {
        final TypeFrame frame;
        final java.util.BitSet live;
        final Type[] stackTypes;
        final int[] stackTemps;
        /** Receiver and arguments of a virtual call (saved); empty for static calls. */
        final Type[] argTypes;
        final int[] argTemps;
        final LabelNode save = new LabelNode();
        final LabelNode restore = new LabelNode();
        final List<Integer> sites = new ArrayList<>();
        final List<LabelNode> tails = new ArrayList<>();

        Layout(final TypeFrame frame, final java.util.BitSet live, final Type[] argTypes, final Type[] stackTypes)
        {
            this.frame = frame;
            this.live = live;
            this.argTypes = argTypes;
            this.stackTypes = stackTypes;
            int t = tempBase;
            argTemps = new int[argTypes.length];
            for (int a = 0; a < argTypes.length; a++)
            {
                argTemps[a] = t;
                t += argTypes[a].getSize();
            }
            stackTemps = new int[stackTypes.length];
            for (int s = 0; s < stackTypes.length; s++)
            {
                stackTemps[s] = t;
                t += stackTypes[s].getSize();
            }
            maxLocals = Math.max(maxLocals, t);
        }

        /** Saved locals: the live ones with a known type, in index order. */
        List<Integer> locals()
        {
            final List<Integer> out = new ArrayList<>();
            for (int i = 0; i < frame.getLocals(); i++)
            {
                if (isSaved(frame, live, i))
                {
                    out.add(i);
                }
            }
            return out;
        }

        /** Every saved value's type, in slot order: locals, operand stack, arguments. */
        List<Type> savedTypes()
        {
            final List<Type> out = new ArrayList<>();
            for (final int i : locals())
            {
                out.add(frame.getLocal(i).getType());
            }
            out.addAll(List.of(stackTypes));
            out.addAll(List.of(argTypes));
            return out;
        }
    }

    /** Tokens the method takes on entry (one, or two for a {@code @Goroutine main}). */
    private final int[] tokens;

    /** Whether a restored value of a type needs a checkcast. */
    private final java.util.function.Predicate<Type> castNeeded;

    /** Where a frame that runs as plain code goes ({@link PlainCopy}), or null: it runs this body with a null carrier. */
    private final LabelNode plainEntry;

    StateMachineGenerator(final MethodNode method, final List<SuspensionPoint> points, final int methodId,
        final int[] tokens, final java.util.function.Predicate<Type> castNeeded, final LabelNode plainEntry)
    {
        this.plainEntry = plainEntry;
        this.tokens = tokens;
        this.castNeeded = castNeeded;
        this.method = method;
        this.points = points;
        this.methodId = methodId;
        this.returnType = Type.getReturnType(method.desc);
        cLocal = method.maxLocals;
        gLocal = cLocal + 1;
        siteLocal = cLocal + 2;
        tempBase = cLocal + 3;
        maxLocals = tempBase;
    }

    /** Rewrites the method in place. */
    void apply()
    {
        final InsnList stubs = new InsnList();
        final List<InsnList> siteTails = new ArrayList<>();
        for (final SuspensionPoint p : points)
        {
            final Layout layout = layoutFor(p);
            layoutOf.add(layout);
            layout.sites.add(p.index());
            final LabelNode callLabel = new LabelNode();
            final LabelNode after = new LabelNode();
            final LabelNode slow = new LabelNode();
            final AbstractInsnNode backEdge = p.preemption() ? p.call().getNext() : null;
            if (p.preemption())
            {
                preemptionPoint(p, after, slow);
            }
            else
            {
                fastPath(p, layout, callLabel, after, slow);
            }
            stubs.add(slowStub(p, layout, slow, after));
            final LabelNode tail = new LabelNode();
            layout.tails.add(tail);
            siteTails.add(p.preemption() ? preemptionTail(tail, backEdge, after) : siteTail(p, layout, tail, callLabel));
        }
        clearTokensInHandlers();
        method.instructions.insert(prologue());
        final InsnList out = new InsnList();
        out.add(stubs);
        for (final Layout layout : layouts.values())
        {
            out.add(saveBlock(layout));
        }
        out.add(dispatchBlock());
        for (final Layout layout : layouts.values())
        {
            out.add(restoreBlock(layout));
        }
        for (final InsnList tail : siteTails)
        {
            out.add(tail);
        }
        dropJumpsToNext(out);
        method.instructions.add(out);
        method.maxLocals = maxLocals;
    }

    /**
     * Removes each {@code GOTO} of the generated code that jumps to the instruction right after it
     * (a slow stub before its layout's save block, a dispatch before the only restore block): three
     * bytes each, which count against the JIT's inlining limits like any others.
     */
    private static void dropJumpsToNext(final InsnList l)
    {
        for (AbstractInsnNode n = l.getFirst(); null != n;)
        {
            final AbstractInsnNode next = n.getNext();
            if (n.getOpcode() == Opcodes.GOTO && isRightAfter(((JumpInsnNode) n).label, next))
            {
                l.remove(n);
            }
            n = next;
        }
    }

    /** Whether {@code label} is among the pseudo-instructions (labels, lines, frames) that start at {@code from}. */
    private static boolean isRightAfter(final LabelNode label, final AbstractInsnNode from)
    {
        for (AbstractInsnNode k = from; null != k && k.getOpcode() < 0; k = k.getNext())
        {
            if (k == label)
            {
                return true;
            }
        }
        return false;
    }

    private Layout layoutFor(final SuspensionPoint p)
    {
        final MethodInsnNode call = p.call();
        final TypeFrame f = p.frame();
        final boolean isStatic = call.getOpcode() == Opcodes.INVOKESTATIC;
        final Type[] args = Type.getArgumentTypes(call.desc);
        final int nArgs = isStatic ? 0 : args.length + 1;
        final int below = f.getStackSize() - (isStatic ? args.length : nArgs);
        final Type[] argTypes = new Type[nArgs];
        for (int a = 0; a < nArgs; a++)
        {
            argTypes[a] = a == 0 ? f.getStack(below).getType() : args[a - 1];
        }
        final Type[] stackTypes = new Type[below];
        for (int s = 0; s < below; s++)
        {
            stackTypes[s] = f.getStack(s).getType();
        }
        final StringBuilder key = new StringBuilder();
        for (int i = 0; i < f.getLocals(); i++)
        {
            key.append(isSaved(f, p.live(), i) ? f.getLocal(i).getType().getDescriptor() : ".").append(',');
        }
        key.append('|');
        for (final Type t : stackTypes)
        {
            key.append(t.getDescriptor());
        }
        key.append('|');
        for (final Type t : argTypes)
        {
            key.append(t.getDescriptor());
        }
        return layouts.computeIfAbsent(key.toString(), k -> new Layout(f, p.live(), argTypes, stackTypes));
    }

    /** Whether local {@code i} is saved at a suspension: it has a value and is read afterwards. */
    private static boolean isSaved(final TypeFrame f, final java.util.BitSet live, final int i)
    {
        final BasicValue v = f.getLocal(i);
        return null != v.getType() && live.get(i);
    }

    /**
     * The entry: take the token, or resume, or run as plain code: the original code ({@link PlainCopy}),
     * or, without a copy, this body with a null carrier, so that it arms nothing and a park below it
     * pins. Spelled out in the method, not in a
     * shared helper of {@code G}: the JIT profiles each branch where its bytecode is, so here the
     * branches a method never takes (resume, pinned) get their own never-taken profile and C2 drops
     * them, and an inlined chain of rewritten calls folds to nearly nothing. A helper's branches would
     * carry the profile of every rewritten method at once; tried (35 bytes of entry down to 17), it made
     * the inlined depth-3 chain of {@code CallChainBench} two to three times slower.
     */
    private InsnList prologue()
    {
        final InsnList l = new InsnList();
        final LabelNode body = new LabelNode();
        final LabelNode taken = new LabelNode();
        final LabelNode notCall = new LabelNode();
        final LabelNode notCarrier = new LabelNode();
        if (null != plainEntry)
        {
            // Carrier.here() spelled out: a helper called at the JIT's deepest inlining level stays a call
            l.add(Emit.currentThread());
            l.add(new InsnNode(Opcodes.DUP));
            l.add(new TypeInsnNode(Opcodes.INSTANCEOF, Emit.CARRIER));
            l.add(new JumpInsnNode(Opcodes.IFEQ, notCarrier));
            l.add(new TypeInsnNode(Opcodes.CHECKCAST, Emit.CARRIER));
            l.add(new VarInsnNode(Opcodes.ASTORE, cLocal));
        }
        else
        {
            l.add(Emit.hereCarrier());
            l.add(new VarInsnNode(Opcodes.ASTORE, cLocal));
            l.add(new VarInsnNode(Opcodes.ALOAD, cLocal));
            l.add(new JumpInsnNode(Opcodes.IFNULL, body));
        }
        for (int t = 0; t < tokens.length; t++)
        {
            l.add(new VarInsnNode(Opcodes.ALOAD, cLocal));
            l.add(Emit.getSig());
            l.add(Emit.iconst(tokens[t]));
            if (t < tokens.length - 1)
            {
                l.add(new JumpInsnNode(Opcodes.IF_ICMPEQ, taken));
            }
            else
            {
                l.add(new JumpInsnNode(Opcodes.IF_ICMPNE, notCall));
            }
        }
        l.add(taken);
        l.add(Emit.setSig(cLocal, Emit.SIG_NONE));
        l.add(new JumpInsnNode(Opcodes.GOTO, body));
        l.add(notCall);
        l.add(new VarInsnNode(Opcodes.ALOAD, cLocal));
        l.add(Emit.getSig());
        l.add(Emit.iconst(Emit.SIG_RESUME));
        l.add(new JumpInsnNode(Opcodes.IF_ICMPEQ, dispatch));
        if (null != plainEntry)
        {
            l.add(new JumpInsnNode(Opcodes.GOTO, plainEntry));
            l.add(notCarrier);
            l.add(new InsnNode(Opcodes.POP));
            l.add(new JumpInsnNode(Opcodes.GOTO, plainEntry));
        }
        else
        {
            l.add(new InsnNode(Opcodes.ACONST_NULL));
            l.add(new VarInsnNode(Opcodes.ASTORE, cLocal));
        }
        l.add(body);
        return l;
    }

    /**
     * On entry to every exception handler (through {@link #handlerEntry}): drop a token left armed
     * by a call that threw before its callee took it ({@code G.clearCall}); the frames between that
     * call and this handler were all entered with their token, so no other frame can hold one.
     */
    private void clearTokensInHandlers()
    {
        final Map<LabelNode, LabelNode> entries = new LinkedHashMap<>();
        for (final org.objectweb.asm.tree.TryCatchBlockNode t : method.tryCatchBlocks)
        {
            t.handler = entries.computeIfAbsent(t.handler, this::handlerEntry);
        }
    }

    /**
     * An out-of-line entry for the handler at {@code handler}: it drops the token, then jumps to the
     * handler's own code. Out of line rather than at the handler's start: javac covers the start of a
     * finally handler with a range of its own, and a call inside that range made the handler its own
     * exception successor, a loop over which C1 could not merge the handler's locals ("error while
     * joining with exception handler"): such methods ran interpreted until C2 compiled them.
     */
    private LabelNode handlerEntry(final LabelNode handler)
    {
        final LabelNode entry = new LabelNode();
        final InsnList l = new InsnList();
        l.add(entry);
        l.add(new VarInsnNode(Opcodes.ALOAD, cLocal));
        l.add(Emit.gHelper("clearCall", "", "V"));
        l.add(new JumpInsnNode(Opcodes.GOTO, handler));
        method.instructions.add(l);
        return entry;
    }

    /**
     * A preemption point, in place of its {@code Suspend.preempt()} call: when the monitor asked this
     * goroutine to yield, {@code G.preempted(g)} starts the unwind (a yield) and the frame saves
     * itself like any other; on resume it goes on at the back-edge ({@link #preemptionTail}).
     * No call is left in the loop: a call on any path of a loop, even one the loop almost never
     * takes, makes the JIT give up unrolling and vectorising it and reload every field at each
     * iteration (an int array summed in a rewritten loop ran 4 to 9 times slower than plain; see
     * the README). The unwind leaves the loop, and the resume enters it from the method's entry.
     */
    private void preemptionPoint(final SuspensionPoint p, final LabelNode after, final LabelNode slow)
    {
        final InsnList l = new InsnList();
        l.add(new VarInsnNode(Opcodes.ALOAD, cLocal));
        if (null != plainEntry) // the carrier is never null here: no helper (see the prologue)
        {
            l.add(Emit.getPreempt());
        }
        else
        {
            l.add(Emit.gHelper("preemptRequested", "", "Z"));
        }
        l.add(new JumpInsnNode(Opcodes.IFEQ, after));
        l.add(new VarInsnNode(Opcodes.ALOAD, cLocal));
        l.add(Emit.gHelper("preempted", "", "V"));
        l.add(new JumpInsnNode(Opcodes.GOTO, slow));
        l.add(after);
        method.instructions.insert(p.call(), l);
        method.instructions.remove(p.call());
    }

    /**
     * The resume of a preemption point: this frame is the innermost one, so it ends the rewind itself
     * ({@code sig = SIG_NONE}, what a leaf does) and takes the back-edge, with the operand stack the
     * restore block rebuilt. The back-edge is copied here ({@code goto head}, or {@code if.. head}
     * and a jump past the original) rather than jumped to, so that the loop is entered at its head
     * only: a jump into the middle of a loop makes it irreducible, and the JIT then neither unrolls
     * it nor keeps its locals in registers.
     */
    private InsnList preemptionTail(final LabelNode tail, final AbstractInsnNode backEdge, final LabelNode after)
    {
        final InsnList l = new InsnList();
        l.add(tail);
        l.add(Emit.setSig(cLocal, Emit.SIG_NONE));
        if (backEdge instanceof JumpInsnNode && backEdge.getOpcode() != Opcodes.JSR)
        {
            final JumpInsnNode j = (JumpInsnNode) backEdge;
            l.add(new JumpInsnNode(j.getOpcode(), j.label));
            if (j.getOpcode() != Opcodes.GOTO)
            {
                final LabelNode past = new LabelNode();
                method.instructions.insert(j, past);
                l.add(new JumpInsnNode(Opcodes.GOTO, past));
            }
            return l;
        }
        l.add(new JumpInsnNode(Opcodes.GOTO, after));
        return l;
    }

    /** The code around call site p, in place: spill (virtual calls), arm, call, check. */
    private void fastPath(final SuspensionPoint p, final Layout layout, final LabelNode callLabel,
        final LabelNode after, final LabelNode slow)
    {
        final InsnList pre = new InsnList();
        for (int a = layout.argTypes.length - 1; a >= 0; a--)
        {
            pre.add(Emit.store(layout.argTypes[a], layout.argTemps[a]));
        }
        for (int a = 0; a < layout.argTypes.length; a++)
        {
            pre.add(Emit.load(layout.argTypes[a], layout.argTemps[a]));
        }
        pre.add(new VarInsnNode(Opcodes.ALOAD, cLocal));
        pre.add(Emit.iconst(Emit.token(p.call().name, p.call().desc)));
        pre.add(null != plainEntry ? Emit.putSig() : Emit.gHelper("arm", "I", "V"));
        pre.add(callLabel);
        method.instructions.insertBefore(p.call(), pre);

        final InsnList post = new InsnList();
        post.add(new VarInsnNode(Opcodes.ALOAD, cLocal));
        post.add(null != plainEntry ? Emit.getSig() : Emit.gHelper("signalled", "", "Z"));
        post.add(new JumpInsnNode(Opcodes.IFNE, slow));
        post.add(after);
        method.instructions.insert(p.call(), post);
    }

    /** Out of line: a stale token goes back to the fast path; an unwind records the site and saves. */
    private InsnList slowStub(final SuspensionPoint p, final Layout layout, final LabelNode slow,
        final LabelNode after)
    {
        final InsnList l = new InsnList();
        l.add(slow);
        if (!p.preemption()) // a preemption point comes here only to unwind
        {
            l.add(new VarInsnNode(Opcodes.ALOAD, cLocal));
            l.add(Emit.gHelper("unwinding", "", "Z"));
            l.add(new JumpInsnNode(Opcodes.IFEQ, after));
        }
        l.add(Emit.pop(Type.getReturnType(p.call().desc)));
        l.add(Emit.iconst(p.index()));
        l.add(new VarInsnNode(Opcodes.ISTORE, siteLocal));
        l.add(new JumpInsnNode(Opcodes.GOTO, layout.save));
        return l;
    }

    /** Saves the frame of any site of the layout (its id in siteLocal) and returns a dummy value. */
    private InsnList saveBlock(final Layout layout)
    {
        final InsnList l = new InsnList();
        l.add(layout.save);
        for (int s = layout.stackTypes.length - 1; s >= 0; s--)
        {
            if (isNull(layout.stackTypes[s]))
            {
                l.add(new InsnNode(Opcodes.POP));
            }
            else
            {
                l.add(Emit.store(layout.stackTypes[s], layout.stackTemps[s]));
            }
        }
        int prims = 0;
        int refs = 0;
        for (final Type t : layout.savedTypes())
        {
            if (!isNull(t))
            {
                if (Emit.Slot.of(t).isRef())
                {
                    refs++;
                }
                else
                {
                    prims++;
                }
            }
        }
        if (prims > Frames.MAX_SLOTS || refs > Frames.MAX_SLOTS)
        {
            throw new IllegalStateException("a call site in it saves " + prims + " primitive and " + refs
                + " reference values; a frame record holds " + Frames.MAX_SLOTS + " of each");
        }
        l.add(new VarInsnNode(Opcodes.ALOAD, cLocal));
        l.add(Emit.goroutineOf());
        l.add(new InsnNode(Opcodes.DUP));
        l.add(new VarInsnNode(Opcodes.ASTORE, gLocal));
        l.add(Emit.iconst(methodId));
        l.add(new VarInsnNode(Opcodes.ILOAD, siteLocal));
        l.add(Emit.iconst(prims));
        l.add(Emit.iconst(refs));
        l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, Emit.G, "push", "(IIII)V", false));
        final int[] next = {0, 0};
        for (final int i : layout.locals())
        {
            save(l, layout.frame.getLocal(i).getType(), i, next);
        }
        for (int s = 0; s < layout.stackTypes.length; s++)
        {
            save(l, layout.stackTypes[s], layout.stackTemps[s], next);
        }
        for (int a = 0; a < layout.argTypes.length; a++)
        {
            save(l, layout.argTypes[a], layout.argTemps[a], next);
        }
        l.add(Emit.returnZero(returnType));
        return l;
    }

    private void save(final InsnList l, final Type type, final int local, final int[] next)
    {
        if (!isNull(type))
        {
            l.add(Emit.put(gLocal, Emit.Slot.of(type).isRef() ? next[1]++ : next[0]++, type, local));
        }
    }

    /** Re-entry: finds the saved site and jumps to its layout's restore block. */
    private InsnList dispatchBlock()
    {
        final InsnList l = new InsnList();
        l.add(dispatch);
        l.add(new VarInsnNode(Opcodes.ALOAD, cLocal));
        l.add(Emit.goroutineOf());
        l.add(new InsnNode(Opcodes.DUP));
        l.add(new VarInsnNode(Opcodes.ASTORE, gLocal));
        l.add(Emit.iconst(methodId));
        l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, Emit.G, "resume", "(I)I", false));
        if (layouts.size() == 1)
        {
            l.add(new VarInsnNode(Opcodes.ISTORE, siteLocal));
            l.add(new JumpInsnNode(Opcodes.GOTO, layoutOf.get(0).restore));
            return l;
        }
        l.add(new InsnNode(Opcodes.DUP));
        l.add(new VarInsnNode(Opcodes.ISTORE, siteLocal));
        final LabelNode[] targets = new LabelNode[points.size()];
        for (int k = 0; k < targets.length; k++)
        {
            targets[k] = layoutOf.get(k).restore;
        }
        l.add(new TableSwitchInsnNode(0, targets.length - 1, targets[0], targets));
        return l;
    }

    /** Restores locals, saved arguments and the operand stack of the layout, then goes to the site's tail. */
    private InsnList restoreBlock(final Layout layout)
    {
        final InsnList l = new InsnList();
        l.add(layout.restore);
        final int[] next = {0, 0};
        for (final int i : layout.locals())
        {
            final Type type = layout.frame.getLocal(i).getType();
            l.add(restore(type, next));
            l.add(Emit.store(type, i));
        }
        // slots are numbered locals, stack, arguments: read the stack's first, push them last
        final int[] stackNext = {next[0], next[1]};
        for (final Type s : layout.stackTypes)
        {
            skip(s, next);
        }
        for (int a = 0; a < layout.argTypes.length; a++)
        {
            l.add(restore(layout.argTypes[a], next));
            l.add(Emit.store(layout.argTypes[a], layout.argTemps[a]));
        }
        for (final Type s : layout.stackTypes)
        {
            l.add(restore(s, stackNext));
        }
        l.add(new VarInsnNode(Opcodes.ALOAD, gLocal));
        l.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, Emit.G, "pop", "()V", false));
        if (layout.sites.size() == 1)
        {
            l.add(new JumpInsnNode(Opcodes.GOTO, layout.tails.get(0)));
        }
        else
        {
            // sites of one layout are usually a dense run of ids: a tableswitch is half the size
            final int first = layout.sites.get(0);
            final int last = layout.sites.get(layout.sites.size() - 1);
            l.add(new VarInsnNode(Opcodes.ILOAD, siteLocal));
            if (last - first + 1 <= 2 * layout.sites.size())
            {
                final LabelNode[] table = new LabelNode[last - first + 1];
                java.util.Arrays.fill(table, layout.tails.get(0));
                for (int k = 0; k < layout.sites.size(); k++)
                {
                    table[layout.sites.get(k) - first] = layout.tails.get(k);
                }
                l.add(new TableSwitchInsnNode(first, last, layout.tails.get(0), table));
            }
            else
            {
                final int[] keys = new int[layout.sites.size()];
                for (int k = 0; k < keys.length; k++)
                {
                    keys[k] = layout.sites.get(k);
                }
                l.add(new LookupSwitchInsnNode(layout.tails.get(0), keys, layout.tails.toArray(new LabelNode[0])));
            }
        }
        return l;
    }

    /** Pushes the call's arguments (saved ones, or dummies for a static call) and re-enters the call. */
    private InsnList siteTail(final SuspensionPoint p, final Layout layout, final LabelNode tail,
        final LabelNode callLabel)
    {
        final InsnList l = new InsnList();
        l.add(tail);
        if (layout.argTypes.length == 0)
        {
            for (final Type a : Type.getArgumentTypes(p.call().desc))
            {
                l.add(Emit.zero(a));
            }
        }
        else
        {
            for (int a = 0; a < layout.argTypes.length; a++)
            {
                l.add(Emit.load(layout.argTypes[a], layout.argTemps[a]));
            }
        }
        l.add(new JumpInsnNode(Opcodes.GOTO, callLabel));
        return l;
    }

    private InsnList restore(final Type type, final int[] next)
    {
        if (isNull(type))
        {
            final InsnList l = new InsnList();
            l.add(new InsnNode(Opcodes.ACONST_NULL));
            return l;
        }
        final boolean ref = Emit.Slot.of(type).isRef();
        return Emit.get(gLocal, ref ? next[1]++ : next[0]++, type, ref && castNeeded.test(type));
    }

    private static void skip(final Type type, final int[] next)
    {
        if (!isNull(type))
        {
            if (Emit.Slot.of(type).isRef())
            {
                next[1]++;
            }
            else
            {
                next[0]++;
            }
        }
    }

    private static boolean isNull(final Type type)
    {
        return "Lnull;".equals(type.getDescriptor());
    }
}
