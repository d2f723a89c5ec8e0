package io.tendril.graph.internal;

import io.tendril.graph.Key;
import java.util.regex.Pattern;

/**
 * Owns the names of fused chains: Dask's {@code default_fused_linear_keys_renamer}, which joins
 * the short names of a chain's keys, and the {@code key_split} that shortens them. Called by
 * {@link LinearFuser}; {@code Optimize.keySplit} and {@code Optimize.fusedKeyName} delegate here.
 */
public final class FusedKeyNames {
  private static final Pattern HEX_WORD = Pattern.compile("[a-f]+");
  private static final Pattern DATA_NAME = Pattern.compile("[a-f0-9]{32}");

  private FusedKeyNames() {}

  /**
   * The name of a chain given top first, or null when the top key is neither a string nor a tuple
   * key starting with a string.
   *
   * @param chain positions of the chain's keys, top first
   * @param keys the graph's keys by position
   * @return the joined name, a string or a {@link Key}; or null
   */
  public static Object of(int[] chain, Object[] keys) {
    Object top = keys[chain[0]];
    String topName;
    if (top instanceof String s) {
      topName = s;
    } else if (top instanceof Key k && k.size() > 0 && k.get(0) instanceof String s) {
      topName = s;
    } else {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = chain.length - 1; i >= 1; i--) {
      sb.append(keySplit(keys[chain[i]])).append('-');
    }
    sb.append(topName);
    if (top instanceof String) {
      return sb.toString();
    }
    Key k = (Key) top;
    Object[] parts = k.parts().toArray();
    parts[0] = sb.toString();
    return Key.of(parts);
  }

  /**
   * Dask's {@code key_split}: the name part of a key, without the trailing numbers and hashes that
   * tell its tasks apart. {@code 'x-1'} gives {@code x}, {@code 'hello-world-1'} gives {@code
   * hello-world}, {@code ('x-2', 1)} gives {@code x}, a 32-digit hex token gives {@code data}, and
   * a key it cannot read (a number, an empty string) gives {@code Other}.
   *
   * @param key a key
   * @return its name part
   */
  public static String keySplit(Object key) {
    Object s = key;
    if (s instanceof Key k) {
      if (k.size() == 0) {
        return "Other";
      }
      s = k.get(0);
    }
    if (!(s instanceof String str)) {
      return "Other";
    }
    String[] words = str.split("-", -1);
    if (words[0].isEmpty()) {
      return "Other";
    }
    String result;
    if (!Character.isLetter(words[0].codePointAt(0))) {
      result = strip(words[0].split(",", -1)[0], "'(\"");
    } else {
      result = words[0];
    }
    StringBuilder sb = new StringBuilder(result);
    for (int i = 1; i < words.length; i++) {
      String word = words[i];
      if (isAlpha(word) && !(word.length() == 8 && HEX_WORD.matcher(word).lookingAt())) {
        sb.append('-').append(word);
      } else {
        break;
      }
    }
    result = sb.toString();
    if (result.length() == 32 && DATA_NAME.matcher(result).lookingAt()) {
      return "data";
    }
    if (result.isEmpty()) {
      return "Other";
    }
    if (result.charAt(0) == '<') {
      String inner = strip(result, "<>").strip();
      if (inner.isEmpty()) {
        return "Other";
      }
      String first = inner.split("\\s+")[0];
      result = first.substring(first.lastIndexOf('.') + 1);
    }
    return result;
  }

  private static boolean isAlpha(String s) {
    return !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
  }

  private static String strip(String s, String chars) {
    int from = 0;
    int to = s.length();
    while (from < to && chars.indexOf(s.charAt(from)) >= 0) {
      from++;
    }
    while (to > from && chars.indexOf(s.charAt(to - 1)) >= 0) {
      to--;
    }
    return s.substring(from, to);
  }
}
