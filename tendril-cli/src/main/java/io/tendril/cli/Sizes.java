package io.tendril.cli;

import java.util.Locale;

/** Byte counts in a short human form, for the summaries the commands print. */
final class Sizes {
  private Sizes() {}

  /** {@code 512 B}, {@code 3.4 KiB}, {@code 12.0 MiB}, {@code 1.5 GiB}. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    if (n < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.1f GiB", n / (1024.0 * 1024 * 1024));
  }
}
