package io.tendril.graph.json;

import java.io.IOException;
import java.io.Reader;

/**
 * The characters of a JSON text as the parser reads them, one at a time, with the line, column and
 * offset of the next one. Owns the buffer over a {@link Reader} (or over a whole string) and the
 * position bookkeeping; used only by {@link JsonParser}, which also builds its error messages from
 * here.
 *
 * <p>A line ends at {@code \n}, {@code \r} or {@code \r\n}; lines and columns count from 1 and the
 * offset from 0, all in UTF-16 characters. A byte order mark at the very start is skipped without
 * counting as a column.
 */
final class JsonCursor {
  static final int EOF = -1;

  private final Reader in;
  private final String source;
  private char[] buf;
  private int pos;
  private int limit;
  private int line = 1;
  private int column = 1;
  private long offset;
  private boolean afterCr;

  JsonCursor(String text, String source) {
    this.in = null;
    this.source = source;
    this.buf = text.toCharArray();
    this.limit = buf.length;
    skipBom();
  }

  JsonCursor(Reader in, String source) throws IOException {
    this.in = in;
    this.source = source;
    this.buf = new char[8192];
    fill();
    skipBom();
  }

  private void skipBom() {
    if (pos < limit && buf[pos] == '\uFEFF') {
      pos++;
      offset++;
    }
  }

  private boolean fill() throws IOException {
    if (in == null) {
      return false;
    }
    int n;
    do {
      n = in.read(buf, 0, buf.length);
    } while (n == 0);
    if (n < 0) {
      pos = limit = 0;
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }

  /** The next character without consuming it, or {@link #EOF}. */
  int peek() throws IOException {
    if (pos == limit && !fill()) {
      return EOF;
    }
    return buf[pos];
  }

  /** Consumes and returns the next character, or returns {@link #EOF}. */
  int next() throws IOException {
    if (pos == limit && !fill()) {
      return EOF;
    }
    char c = buf[pos++];
    offset++;
    if (c == '\n') {
      if (!afterCr) {
        line++;
      }
      column = 1;
      afterCr = false;
    } else if (c == '\r') {
      line++;
      column = 1;
      afterCr = true;
    } else {
      column++;
      afterCr = false;
    }
    return c;
  }

  /** Skips JSON whitespace: space, tab, line feed and carriage return. */
  void skipWhitespace() throws IOException {
    while (true) {
      int c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        next();
      } else {
        return;
      }
    }
  }

  int line() {
    return line;
  }

  int column() {
    return column;
  }

  long offset() {
    return offset;
  }

  String source() {
    return source;
  }

  /** An error at the position of the next character. */
  GraphFormatException error(String detail) {
    return new GraphFormatException(source, line, column, offset, detail);
  }

  /** An error at the position of the next character, ending in "found X" for that character. */
  GraphFormatException errorFound(String expected) throws IOException {
    return error(expected + ", found " + describe(peek()));
  }

  /**
   * Names a character for messages: {@code 'x'}, {@code end of input}, or {@code U+0007} for a
   * control or invisible character.
   */
  static String describe(int c) {
    if (c == EOF) {
      return "end of input";
    }
    if (c < 0x20 || (c >= 0x7F && c <= 0xA0) || Character.isSurrogate((char) c)
        || Character.getType(c) == Character.FORMAT) {
      return String.format("U+%04X%s", c, controlName(c));
    }
    return "'" + (char) c + "'";
  }

  private static String controlName(int c) {
    return switch (c) {
      case '\t' -> " (tab)";
      case '\n' -> " (line feed)";
      case '\r' -> " (carriage return)";
      case 0 -> " (NUL)";
      case 0xA0 -> " (no-break space)";
      default -> "";
    };
  }
}
