package io.tendril.manager.makeflow;

/**
 * Reads a Makeflow file, or the value of a variable being substituted, one character at a time
 * while keeping the line and column. The lexer's readers ({@link LineReader}, {@link TextReader},
 * {@link CommandLexer}, {@link FileListLexer}) move it; nothing outside the package sees it.
 *
 * <p>A cursor over a substituted value reports the position of the {@code $} that brought the
 * value in, so that an error inside a value points at the place in the file that used it.
 */
final class Cursor {
  /** What {@link #peek()} returns at the end of the text. */
  static final int EOF = -1;

  private final String text;
  private final SourcePosition origin;
  private int offset;
  private int line = 1;
  private int column = 1;

  /** A cursor at the start of a whole file. */
  Cursor(String text) {
    this(text, null);
  }

  /** A cursor over a substituted value; every position it reports is {@code origin}. */
  Cursor(String text, SourcePosition origin) {
    this.text = text;
    this.origin = origin;
  }

  /** The next character without consuming it, or {@link #EOF}. */
  int peek() {
    return offset < text.length() ? text.charAt(offset) : EOF;
  }

  /** The character {@code ahead} places after the next one, or {@link #EOF}. */
  int peek(int ahead) {
    int i = offset + ahead;
    return i < text.length() ? text.charAt(i) : EOF;
  }

  /** Consumes and returns the next character, or returns {@link #EOF} at the end. */
  int next() {
    if (offset >= text.length()) {
      return EOF;
    }
    char c = text.charAt(offset++);
    if (c == '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
    return c;
  }

  /** Whether every character was consumed. */
  boolean atEnd() {
    return offset >= text.length();
  }

  /** Whether this cursor reads a substituted value rather than the file. */
  boolean inValue() {
    return origin != null;
  }

  /** Where the next character is, or the origin of a substituted value. */
  SourcePosition position() {
    return origin != null ? origin : new SourcePosition(line, column);
  }

  /** Consumes spaces and tabs and returns how many there were. */
  int skipBlanks() {
    int n = 0;
    while (peek() == ' ' || peek() == '\t') {
      next();
      n++;
    }
    return n;
  }

  /** Consumes a comment up to and including its newline; returns whether there was a newline. */
  boolean skipComment() {
    while (true) {
      int c = next();
      if (c == '\n') {
        return true;
      }
      if (c == EOF) {
        return false;
      }
    }
  }

  /** Whether the rest of the current line holds nothing but blanks. */
  boolean restOfLineIsBlank() {
    for (int i = offset; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        return true;
      }
      if (c != ' ' && c != '\t' && c != '\r') {
        return false;
      }
    }
    return true;
  }

  /**
   * How far ahead, on the current line, the first {@code target} outside quotes is, or -1 when
   * the line has none. Makeflow decides this way whether a line is a rule ({@code :}) or an
   * assignment ({@code =}): quotes hide the character, a backslash hides the next one (so a
   * backslash-newline carries the search on to the next line), and an unescaped newline stops the
   * search even inside quotes.
   */
  int unquotedDistance(char target) {
    boolean single = false;
    boolean dbl = false;
    for (int i = offset; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        return -1;
      }
      if (single || dbl) {
        if (c == '"' && dbl) {
          dbl = false;
        } else if (c == '\'' && single) {
          single = false;
        }
      } else if (c == target) {
        return i - offset;
      } else if (c == '\\') {
        i++; // the escaped character, even a newline, never ends or decides the search
      } else if (c == '"') {
        dbl = true;
      } else if (c == '\'') {
        single = true;
      }
    }
    return -1;
  }

  /**
   * How far ahead, on the current line, a backslash outside quotes is directly followed by a
   * newline, or -1 when none is.
   */
  int unquotedLineContinuation() {
    boolean single = false;
    boolean dbl = false;
    for (int i = offset; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        return -1;
      }
      if (single || dbl) {
        if (c == '"' && dbl) {
          dbl = false;
        } else if (c == '\'' && single) {
          single = false;
        } else if (c == '\\') {
          i++;
        }
      } else if (c == '\\') {
        if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          return i - offset;
        }
        i++;
      } else if (c == '"') {
        dbl = true;
      } else if (c == '\'') {
        single = true;
      } else if (c == '#') {
        return -1;
      }
    }
    return -1;
  }
}
