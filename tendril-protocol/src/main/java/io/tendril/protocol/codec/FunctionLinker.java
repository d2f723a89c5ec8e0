package io.tendril.protocol.codec;

import io.tendril.graph.Fn;
import io.tendril.graph.Fn0;
import io.tendril.graph.Fn1;
import io.tendril.graph.Fn2;
import io.tendril.graph.Fn3;
import io.tendril.graph.Fn4;
import io.tendril.graph.FnN;
import io.tendril.graph.json.FunctionResolver;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Modifier;

/**
 * Finds what a {@link FunctionDescriptor} names on a class loader, and binds its captured values:
 * the executing side's counterpart of {@link FunctionDescriber}. Used by {@link
 * FunctionDescriptors#resolve} and {@link FunctionCache}.
 *
 * <p>Resolution has two steps so that a cache can share the first: {@link #link} looks up the
 * method (or makes the function object) and depends only on the descriptor without its captured
 * values; {@link #bind} decodes the captured values and checks them against the method's
 * parameters. Methods are called through method handles that take all parameters as one array,
 * adapted once: boxing, unboxing and casts happen in the handle, as they would in the lambda.
 *
 * <p>Non-public methods (package-private methods, the private methods holding lambda bodies) are
 * reached through {@link MethodHandles#privateLookupIn}, which works for classes on a class path
 * and for packages opened to this library; anything else falls back to public access.
 */
final class FunctionLinker {

  /** What a descriptor names, looked up, before captured values are bound. */
  sealed interface Target permits MethodTarget, InstanceTarget {}

  /**
   * A method or constructor.
   *
   * @param spread the handle, of type {@code (Object[])Object}, taking every parameter
   * @param type the method's own type, receiver first for an instance method
   * @param capturedCount how many leading parameters receive captured values
   */
  record MethodTarget(MethodHandle spread, MethodType type, int capturedCount) implements Target {}

  /**
   * A function object.
   *
   * @param fn the object, implementing the interface of the descriptor's arity
   */
  record InstanceTarget(Fn fn) implements Target {}

  private FunctionLinker() {}

  /**
   * Looks up what a descriptor names.
   *
   * @param d the descriptor; its captured values are ignored
   * @param loader where to find the class
   * @return the target
   * @throws FunctionNotFoundException if the class, method or name is not found on the loader
   * @throws CodecException if the descriptor does not fit what was found
   */
  static Target link(FunctionDescriptor d, ClassLoader loader) {
    return switch (d.kind()) {
      case NAMED -> linkNamed(d, loader);
      case FUNCTION_CLASS -> linkClass(d, loader);
      default -> linkMethod(d, loader);
    };
  }

  /**
   * Binds a descriptor's captured values to its target.
   *
   * @param target what {@link #link} found for the descriptor
   * @param d the descriptor
   * @param codec the value codec on the loader the target was found on
   * @return the callable function
   * @throws CodecException if the captured values cannot be decoded or do not fit the method
   */
  static ResolvedFunction bind(Target target, FunctionDescriptor d, ValueCodec codec) {
    return switch (target) {
      case InstanceTarget t -> new InstanceFunction(d, t.fn());
      case MethodTarget t -> new MethodHandleFunction(d, t.spread(), captured(t, d, codec));
    };
  }

  private static Object[] captured(MethodTarget t, FunctionDescriptor d, ValueCodec codec) {
    Object[] values = new Object[0];
    if (d.hasCapturedArgs()) {
      Object decoded = codec.decode(d.capturedArgsNoCopy());
      if (!(decoded instanceof Object[] a) || decoded.getClass() != Object[].class) {
        throw new CodecException(
            "the captured values of " + d.name() + " are not an Object[] but "
                + (decoded == null ? "null" : decoded.getClass().getName()));
      }
      values = a;
    }
    if (values.length != t.capturedCount()) {
      throw new CodecException(
          d.name() + " has " + values.length + " captured values, but its method " + t.type()
              + " expects " + t.capturedCount());
    }
    for (int i = 0; i < values.length; i++) {
      Class<?> p = t.type().parameterType(i);
      Object v = values[i];
      boolean fits =
          v == null ? !p.isPrimitive() : MethodType.methodType(p).wrap().returnType().isInstance(v);
      if (!fits) {
        throw new CodecException(
            "captured value " + i + " of " + d.name() + " is "
                + (v == null ? "null" : "a " + v.getClass().getName()) + ", which does not fit its"
                + " parameter of type " + p.getName());
      }
    }
    return values;
  }

  private static Target linkNamed(FunctionDescriptor d, ClassLoader loader) {
    FnN<Object> fn;
    try {
      fn = new FunctionResolver(loader).resolve(d.methodName());
    } catch (IllegalArgumentException e) {
      throw new FunctionNotFoundException(
          "cannot resolve the function '" + d.methodName() + "' on "
              + ClassLoaders.describe(loader) + ": " + e.getMessage(), e);
    }
    checkInterface(d, fn.getClass());
    return new InstanceTarget(fn);
  }

  private static Target linkClass(FunctionDescriptor d, ClassLoader loader) {
    Class<?> cls = load(d.className(), loader, d);
    if (cls.isInterface() || Modifier.isAbstract(cls.getModifiers())) {
      throw new FunctionNotFoundException(
          "the function class " + d.className() + " found on " + ClassLoaders.describe(loader)
              + " is abstract; is it the same version as on the submitting side?", null);
    }
    checkInterface(d, cls);
    MethodHandle constructor;
    try {
      constructor = lookupFor(cls).findConstructor(cls, MethodType.methodType(void.class));
    } catch (NoSuchMethodException | IllegalAccessException | SecurityException e) {
      throw new FunctionNotFoundException(
          "the function class " + d.className() + " found on " + ClassLoaders.describe(loader)
              + " has no accessible no-argument constructor: " + e.getMessage(), e);
    }
    try {
      return new InstanceTarget((Fn) constructor.invoke());
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      throw new CodecException(
          "cannot make the function " + d.className() + ": its constructor threw " + e, e);
    }
  }

  private static void checkInterface(FunctionDescriptor d, Class<?> cls) {
    Class<?> iface = interfaceOf(d.arity());
    if (!iface.isAssignableFrom(cls)) {
      throw new FunctionNotFoundException(
          d.name() + " does not implement " + iface.getSimpleName() + " (" + cls.getName() + " was"
              + " found); is it the same version as on the submitting side?", null);
    }
  }

  private static Class<?> interfaceOf(int arity) {
    return switch (arity) {
      case 0 -> Fn0.class;
      case 1 -> Fn1.class;
      case 2 -> Fn2.class;
      case 3 -> Fn3.class;
      case 4 -> Fn4.class;
      default -> FnN.class;
    };
  }

  private static Target linkMethod(FunctionDescriptor d, ClassLoader loader) {
    Class<?> cls = load(d.className(), loader, d);
    MethodType type = methodType(d, loader);
    MethodHandles.Lookup lookup = lookupFor(cls);
    MethodHandle handle;
    try {
      handle =
          switch (d.kind()) {
            case STATIC_METHOD -> lookup.findStatic(cls, d.methodName(), type);
            case VIRTUAL_METHOD, INTERFACE_METHOD -> lookup.findVirtual(cls, d.methodName(), type);
            case PRIVATE_METHOD -> lookup.findSpecial(cls, d.methodName(), type, cls);
            case CONSTRUCTOR -> lookup.findConstructor(cls, type);
            default -> throw new IllegalStateException("not a method kind: " + d.kind());
          };
    } catch (NoSuchMethodException e) {
      throw new FunctionNotFoundException(
          "class " + d.className() + " found on " + ClassLoaders.describe(loader) + " has no "
              + describeMember(d) + "; is it the same version as on the submitting side?", e);
    } catch (IllegalAccessException | SecurityException e) {
      throw new FunctionNotFoundException(
          "the " + describeMember(d) + " of " + d.className() + " is not accessible from"
              + " io.tendril.protocol (" + e.getMessage() + "); make it public, or open its"
              + " package",
          e);
    }
    handle = handle.asFixedArity();
    int params = handle.type().parameterCount();
    int callParams = d.arity() == FunctionDescriptor.VARARGS ? 1 : d.arity();
    if (params < callParams) {
      throw new CodecException(
          "the descriptor of " + d.name() + " says it takes " + callParams + " arguments, but its"
              + " method takes " + params + " parameters");
    }
    MethodHandle spread =
        handle.asType(MethodType.genericMethodType(params)).asSpreader(Object[].class, params);
    return new MethodTarget(spread, handle.type(), params - callParams);
  }

  private static String describeMember(FunctionDescriptor d) {
    return switch (d.kind()) {
      case STATIC_METHOD -> "static method " + d.methodName() + d.methodType();
      case CONSTRUCTOR -> "constructor " + d.methodType();
      default -> "instance method " + d.methodName() + d.methodType();
    };
  }

  private static MethodType methodType(FunctionDescriptor d, ClassLoader loader) {
    try {
      return MethodType.fromMethodDescriptorString(d.methodType(), loader);
    } catch (TypeNotPresentException e) {
      throw new FunctionNotFoundException(
          "the method type " + d.methodType() + " of " + d.name() + " names class "
              + e.typeName() + ", which is not found on " + ClassLoaders.describe(loader)
              + "; is the jar that holds it on the environment's classpath?", e);
    } catch (IllegalArgumentException e) {
      throw new CodecException(
          "the method type '" + d.methodType() + "' of " + d.name() + " is malformed", e);
    }
  }

  private static Class<?> load(String className, ClassLoader loader, FunctionDescriptor d) {
    try {
      return Class.forName(className, false, loader);
    } catch (ClassNotFoundException e) {
      throw new FunctionNotFoundException(
          "cannot resolve " + d.name() + ": class " + className + " is not found on "
              + ClassLoaders.describe(loader) + "; is the jar that holds " + className
              + " on the environment's classpath?", e);
    } catch (LinkageError e) {
      throw new FunctionNotFoundException(
          "cannot resolve " + d.name() + ": class " + className + " cannot be loaded from "
              + ClassLoaders.describe(loader) + " (" + e + "); are the jars it needs on the"
              + " environment's classpath?", e);
    }
  }

  private static MethodHandles.Lookup lookupFor(Class<?> cls) {
    try {
      return MethodHandles.privateLookupIn(cls, MethodHandles.lookup());
    } catch (IllegalAccessException | SecurityException e) {
      return MethodHandles.publicLookup();
    }
  }
}
