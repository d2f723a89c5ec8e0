package io.tendril.graph.json;

import static io.tendril.graph.json.Values.describe;

import io.tendril.graph.FnN;
import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * A public static Java method named {@code "com.example.Cls::method"} in a graph file, as a task
 * function. Made by {@link FunctionResolver}; holds every public static overload of that name and
 * picks one per call by the arguments it gets.
 *
 * <p>The choice: among the overloads that take this many arguments (a varargs method takes any
 * number from its fixed part on), those to which every argument converts (see {@link
 * ArgConverter}); of those, the one whose conversions cost least (a varargs call costs more than a
 * fixed one). Two overloads at the same least cost make the call ambiguous, which is an error that
 * names them. The result is brought to JSON's kinds ({@code int} becomes {@code Long}; arrays
 * stay arrays); an exception the method throws fails the task as it is.
 */
final class ReflectiveFn implements FnN<Object> {
  private static final long serialVersionUID = 1L;
  private static final int VARARGS_COST = 10;

  private final String name;
  private final transient Method[] methods;

  ReflectiveFn(String name, Method[] methods) {
    this.name = name;
    this.methods = methods;
  }

  /** One way to call one overload: the converted arguments and their cost, or why not. */
  private record Attempt(Method method, Object[] args, int cost, String failure) {}

  @Override
  public Object call(Object... args) throws Exception {
    List<Attempt> tried = new ArrayList<>();
    Attempt best = null;
    Attempt tie = null;
    for (Method m : methods) {
      Attempt a = bestOf(attemptFixed(m, args), attemptVarargs(m, args));
      if (a == null) {
        continue;
      }
      tried.add(a);
      if (a.failure != null) {
        continue;
      }
      if (best == null || a.cost < best.cost) {
        best = a;
        tie = null;
      } else if (a.cost == best.cost) {
        tie = a;
      }
    }
    if (best == null) {
      throw new IllegalArgumentException(noFit(args, tried));
    }
    if (tie != null) {
      throw new IllegalArgumentException(
          "ambiguous call of " + name + " with " + describeArgs(args) + ": both "
              + signature(best.method) + " and " + signature(tie.method)
              + " fit equally well; give the overloads different names");
    }
    try {
      return ArgConverter.normalizeResult(best.method.invoke(null, best.args));
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(name + " cannot be called: " + e.getMessage(), e);
    }
  }

  private static Attempt bestOf(Attempt a, Attempt b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    if (a.failure != null) {
      return b.failure == null ? b : a;
    }
    return b.failure == null && b.cost < a.cost ? b : a;
  }

  private Attempt attemptFixed(Method m, Object[] args) {
    Class<?>[] params = m.getParameterTypes();
    if (params.length != args.length) {
      return null;
    }
    Object[] converted = new Object[args.length];
    int cost = 0;
    ArgConverter.Result r = new ArgConverter.Result();
    for (int i = 0; i < args.length; i++) {
      ArgConverter.convert(params[i], args[i], r);
      if (r.value == ArgConverter.FAIL) {
        return failure(m, i, params[i], args[i]);
      }
      converted[i] = r.value;
      cost += r.cost;
    }
    return new Attempt(m, converted, cost, null);
  }

  private Attempt attemptVarargs(Method m, Object[] args) {
    if (!m.isVarArgs()) {
      return null;
    }
    Class<?>[] params = m.getParameterTypes();
    int fixed = params.length - 1;
    if (args.length < fixed) {
      return null;
    }
    Object[] converted = new Object[params.length];
    int cost = VARARGS_COST;
    ArgConverter.Result r = new ArgConverter.Result();
    for (int i = 0; i < fixed; i++) {
      ArgConverter.convert(params[i], args[i], r);
      if (r.value == ArgConverter.FAIL) {
        return failure(m, i, params[i], args[i]);
      }
      converted[i] = r.value;
      cost += r.cost;
    }
    Class<?> component = params[fixed].getComponentType();
    Object rest = Array.newInstance(component, args.length - fixed);
    for (int i = fixed; i < args.length; i++) {
      ArgConverter.convert(component, args[i], r);
      if (r.value == ArgConverter.FAIL) {
        return failure(m, i, component, args[i]);
      }
      Array.set(rest, i - fixed, r.value);
      cost += r.cost;
    }
    converted[fixed] = rest;
    return new Attempt(m, converted, cost, null);
  }

  private static Attempt failure(Method m, int index, Class<?> type, Object arg) {
    return new Attempt(
        m, null, 0, "parameter " + (index + 1) + " " + ArgConverter.reason(type, arg));
  }

  private String noFit(Object[] args, List<Attempt> tried) {
    if (tried.isEmpty()) {
      StringJoiner sigs = new StringJoiner(", ");
      for (Method m : methods) {
        sigs.add(signature(m));
      }
      return name + " takes " + counts() + " (" + sigs + "), got " + args.length
          + (args.length == 1 ? " argument" : " arguments");
    }
    if (tried.size() == 1) {
      Attempt a = tried.get(0);
      return prefix(a.method) + ": " + a.failure;
    }
    StringJoiner why = new StringJoiner("; ");
    for (Attempt a : tried) {
      why.add(signature(a.method) + ": " + a.failure);
    }
    return "no overload of " + name + " takes " + describeArgs(args) + ": " + why;
  }

  private String prefix(Method m) {
    return name + signature(m).substring(m.getName().length());
  }

  private String counts() {
    StringJoiner s = new StringJoiner(" or ");
    List<String> seen = new ArrayList<>();
    for (Method m : methods) {
      int n = m.getParameterCount();
      String c = m.isVarArgs() ? "at least " + (n - 1) : String.valueOf(n);
      if (!seen.contains(c)) {
        seen.add(c);
        s.add(c);
      }
    }
    return s + (s.toString().equals("1") ? " argument" : " arguments");
  }

  private static String describeArgs(Object[] args) {
    StringJoiner s = new StringJoiner(", ", "(", ")");
    for (Object a : args) {
      s.add(describe(a));
    }
    return s.toString();
  }

  /** A method's signature with simple type names, e.g. {@code scale(long, double)}. */
  static String signature(Method m) {
    StringJoiner s = new StringJoiner(", ", m.getName() + "(", ")");
    Class<?>[] params = m.getParameterTypes();
    for (int i = 0; i < params.length; i++) {
      String t = params[i].getSimpleName();
      if (m.isVarArgs() && i == params.length - 1) {
        t = params[i].getComponentType().getSimpleName() + "...";
      }
      s.add(t);
    }
    return s.toString();
  }

  /** The qualified name, e.g. {@code "com.example.Ops::scale"}. */
  @Override
  public String functionName() {
    return name;
  }

  @Override
  public String toString() {
    return name;
  }

  /** A deserialized method reference is looked up again, on the thread's context class loader. */
  private Object readResolve() throws ObjectStreamException {
    try {
      return FunctionResolver.withContextClassLoader().resolve(name);
    } catch (IllegalArgumentException e) {
      throw new InvalidObjectException(e.getMessage());
    }
  }
}
