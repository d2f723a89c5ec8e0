package io.tendril.graph.json;

import static io.tendril.graph.json.Builtin.arity;
import static io.tendril.graph.json.Values.describe;
import static io.tendril.graph.json.Values.isFloat;
import static io.tendril.graph.json.Values.isInt;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The built-ins on lists, strings and maps, with Python's meaning: {@code sum}, {@code max}, {@code
 * min}, {@code len}, {@code identity}, {@code list}, {@code concat}, {@code range}, {@code
 * getitem}. Registered by {@link Builtins}.
 *
 * <p>Python's errors map to Java's: {@code TypeError} and {@code ValueError} to {@link
 * IllegalArgumentException}, {@code IndexError} to {@link IndexOutOfBoundsException}, {@code
 * KeyError} to {@link NoSuchElementException}.
 */
final class SeqOps {
  private static final int MAX_LIST = Integer.MAX_VALUE - 8;

  private SeqOps() {}

  /**
   * Python's {@code sum(list, start=0)}, including Python 3.12's compensated summation of floats:
   * integers add exactly (overflow is an error), the first float switches to floats, and floats
   * are summed with Neumaier's compensation while integers among them are added plainly.
   */
  static Object sum(String fn, Object[] a) {
    arity(fn, a, 1, 2, "a list and an optional start value");
    if (!(a[0] instanceof List<?> items)) {
      throw new IllegalArgumentException(
          fn + " expects a list (and an optional start value), got " + describe(a[0]));
    }
    Object result = a.length == 2 ? a[1] : (Object) 0L;
    if (result instanceof String) {
      throw new IllegalArgumentException(
          fn + " cannot sum strings (start value " + describe(result) + "); use concat or add");
    }
    int n = items.size();
    int i = 0;
    if (isInt(result)) {
      long acc = ((Number) result).longValue();
      for (; i < n; i++) {
        Object item = items.get(i);
        if (isInt(item)) {
          long q = ((Number) item).longValue();
          long r = acc + q;
          if (((acc ^ r) & (q ^ r)) < 0) {
            throw Arith.overflow(fn, acc + " + " + q);
          }
          acc = r;
        } else {
          break;
        }
      }
      result = acc;
      if (i < n && isFloat(items.get(i))) {
        result = (double) acc + ((Number) items.get(i)).doubleValue();
        i++;
      }
    }
    if (isFloat(result)) {
      double f = ((Number) result).doubleValue();
      double c = 0.0;
      for (; i < n; i++) {
        Object item = items.get(i);
        if (isFloat(item)) {
          double x = ((Number) item).doubleValue();
          double t = f + x;
          if (Math.abs(f) >= Math.abs(x)) {
            c += (f - t) + x;
          } else {
            c += (x - t) + f;
          }
          f = t;
        } else if (isInt(item)) {
          f += (double) ((Number) item).longValue();
        } else {
          break;
        }
      }
      if (c != 0 && Double.isFinite(c)) {
        f += c;
      }
      result = f;
    }
    for (; i < n; i++) {
      result = Arith.plus(fn, result, items.get(i));
    }
    return result;
  }

  static Object max(String fn, Object[] a) {
    return extremum(fn, a, 1);
  }

  static Object min(String fn, Object[] a) {
    return extremum(fn, a, -1);
  }

  /** Python's {@code max}/{@code min}: the first item no other item beats. */
  private static Object extremum(String fn, Object[] a, int sign) {
    arity(fn, a, 1, Integer.MAX_VALUE, "one list, or several values");
    List<?> items;
    if (a.length > 1) {
      items = Arrays.asList(a);
    } else if (a[0] instanceof List<?> list) {
      items = list;
    } else if (a[0] instanceof String s) {
      items = codePoints(s);
    } else {
      throw new IllegalArgumentException(
          fn + " of one argument expects a list (or a string), got " + describe(a[0]));
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException(fn + " of an empty " + (a[0] instanceof String ? "string" : "list"));
    }
    Object best = items.get(0);
    for (int i = 1, n = items.size(); i < n; i++) {
      Object item = items.get(i);
      if (Values.compare(fn, item, best) == sign) {
        best = item;
      }
    }
    return best;
  }

  private static List<String> codePoints(String s) {
    List<String> out = new ArrayList<>();
    s.codePoints().forEach(cp -> out.add(Character.toString(cp)));
    return out;
  }

  /** Python's {@code len}: elements of a list, characters (code points) of a string, entries of a map. */
  static Object len(String fn, Object[] a) {
    arity(fn, a, 1, 1, "a list, a string or a map");
    Object x = a[0];
    if (x instanceof List<?> l) {
      return (long) l.size();
    }
    if (x instanceof String s) {
      return (long) s.codePointCount(0, s.length());
    }
    if (x instanceof Map<?, ?> m) {
      return (long) m.size();
    }
    throw new IllegalArgumentException(fn + " expects a list, a string or a map, got " + describe(x));
  }

  static Object identity(String fn, Object[] a) {
    arity(fn, a, 1, 1, "any value");
    return a[0];
  }

  /** A list of the arguments: {@code list(a, b)} is {@code [a, b]} (not Python's list(iterable)). */
  static Object list(String fn, Object[] a) {
    return new ArrayList<>(Arrays.asList(a));
  }

  /**
   * Joins lists: {@code concat([[1], [2, 3]])} (one argument, a list of lists, as toolz's and
   * Dask's {@code concat}) and {@code concat([1], [2, 3])} (several lists) both give {@code [1, 2,
   * 3]}.
   */
  static Object concat(String fn, Object[] a) {
    List<?> parts;
    boolean single = a.length == 1;
    if (single) {
      if (!(a[0] instanceof List<?> outer)) {
        throw new IllegalArgumentException(
            fn + " expects a list of lists, or several lists, got " + describe(a[0]));
      }
      parts = outer;
    } else {
      parts = Arrays.asList(a);
    }
    int total = 0;
    for (int i = 0; i < parts.size(); i++) {
      Object p = parts.get(i);
      if (!(p instanceof List<?> l)) {
        throw new IllegalArgumentException(
            single
                ? fn + " of one argument expects a list of lists, but its element " + i + " is "
                    + describe(p) + " (to join several lists, pass each as an argument)"
                : fn + " expects lists, but argument " + (i + 1) + " is " + describe(p));
      }
      total = (int) Math.min(MAX_LIST, (long) total + l.size());
    }
    List<Object> out = new ArrayList<>(total);
    for (Object p : parts) {
      out.addAll((List<?>) p);
    }
    return out;
  }

  /** Python's {@code range(stop)}, {@code range(start, stop)}, {@code range(start, stop, step)} as a list. */
  static Object range(String fn, Object[] a) {
    arity(fn, a, 1, 3, "integers: stop, or start and stop, or start, stop and step");
    for (int i = 0; i < a.length; i++) {
      if (!isInt(a[i])) {
        throw new IllegalArgumentException(
            fn + " expects integers, but argument " + (i + 1) + " is " + describe(a[i]));
      }
    }
    long start = a.length == 1 ? 0 : ((Number) a[0]).longValue();
    long stop = ((Number) a[a.length == 1 ? 0 : 1]).longValue();
    long step = a.length == 3 ? ((Number) a[2]).longValue() : 1;
    if (step == 0) {
      throw new IllegalArgumentException(fn + ": the step must not be zero");
    }
    BigInteger lo = BigInteger.valueOf(start);
    BigInteger hi = BigInteger.valueOf(stop);
    BigInteger st = BigInteger.valueOf(step);
    BigInteger count = BigInteger.ZERO;
    if (step > 0 && start < stop) {
      count = hi.subtract(lo).subtract(BigInteger.ONE).divide(st).add(BigInteger.ONE);
    } else if (step < 0 && start > stop) {
      count = lo.subtract(hi).subtract(BigInteger.ONE).divide(st.negate()).add(BigInteger.ONE);
    }
    if (count.compareTo(BigInteger.valueOf(MAX_LIST)) > 0) {
      throw new IllegalArgumentException(fn + ": " + count + " elements are too many for one list");
    }
    int n = count.intValue();
    List<Object> out = new ArrayList<>(n);
    long v = start;
    for (int i = 0; i < n; i++) {
      out.add(v);
      v += step; // the last step may wrap, but its value is never used
    }
    return out;
  }

  /**
   * Python's {@code obj[index]}: a list's element (negative indexes count from the end), a
   * string's character (by code point), a map's value.
   */
  static Object getitem(String fn, Object[] a) {
    arity(fn, a, 2, 2, "a list, string or map and an index or key");
    Object obj = a[0];
    Object idx = a[1];
    if (obj instanceof Map<?, ?> m) {
      if (!m.containsKey(idx)) {
        throw new NoSuchElementException(fn + ": the map has no key " + describe(idx));
      }
      return m.get(idx);
    }
    if (!(obj instanceof List<?>) && !(obj instanceof String)) {
      throw new IllegalArgumentException(
          fn + " expects a list, a string or a map, got " + describe(obj));
    }
    if (!isInt(idx)) {
      throw new IllegalArgumentException(
          fn + ": " + (obj instanceof List ? "list" : "string") + " indexes must be integers, got "
              + describe(idx));
    }
    long i = ((Number) idx).longValue();
    if (obj instanceof List<?> l) {
      long k = i < 0 ? i + l.size() : i;
      if (k < 0 || k >= l.size()) {
        throw new IndexOutOfBoundsException(
            fn + ": index " + i + " is out of range for a list of " + l.size());
      }
      return l.get((int) k);
    }
    String s = (String) obj;
    int n = s.codePointCount(0, s.length());
    long k = i < 0 ? i + n : i;
    if (k < 0 || k >= n) {
      throw new IndexOutOfBoundsException(
          fn + ": index " + i + " is out of range for a string of " + n + " characters");
    }
    int at = s.offsetByCodePoints(0, (int) k);
    return s.substring(at, at + Character.charCount(s.codePointAt(at)));
  }
}
