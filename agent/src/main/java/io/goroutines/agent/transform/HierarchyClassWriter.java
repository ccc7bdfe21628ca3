package io.goroutines.agent.transform;

import io.goroutines.agent.analysis.TypeHierarchy;
import org.objectweb.asm.ClassWriter;

/** A ClassWriter that computes frames from class files ({@link TypeHierarchy}), never loading a class. */
final class HierarchyClassWriter extends ClassWriter
{
    private final TypeHierarchy hierarchy;

    HierarchyClassWriter(final TypeHierarchy hierarchy, final int flags)
    {
        super(flags);
        this.hierarchy = hierarchy;
    }

    @Override
    protected String getCommonSuperClass(final String type1, final String type2)
    {
        return hierarchy.commonSuperClass(type1, type2);
    }
}
