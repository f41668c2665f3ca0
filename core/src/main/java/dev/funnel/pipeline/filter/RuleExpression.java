package dev.funnel.pipeline.filter;

import dev.funnel.store.catalog.ItemRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A business rule over catalogue items, compiled once from text:
 *
 * <pre>
 * expr       := or
 * or         := and ('or' and)*
 * and        := unary ('and' unary)*
 * unary      := 'not' unary | '(' expr ')' | comparison
 * comparison := field op value | field ['not'] 'in' '[' value (',' value)* ']'
 * op         := '&lt;' | '&lt;=' | '&gt;' | '&gt;=' | '==' | '=' | '!='
 * value      := number | 'text' | "text" | word (letters, digits, '_', '.'; quote others) | 'now' [('+' | '-') number unit]     unit: ms s m h d w
 * field      := id | category | categories | tag | tags | published_at | expires_at | name | attributes.name
 * </pre>
 *
 * Examples: {@code category in [books, music]}, {@code price < 100}, {@code published_at > now - 7d}.
 * Categories and tags are lists: {@code ==} and {@code in} hold when any element matches, and they
 * take no ordering operator. Numbers compare as numbers, text as text; a comparison on an attribute
 * the item does not have, or of a number with text, is false (so {@code not} turns it true).
 * {@code now} is the request's time in epoch ms. Syntax errors name the expression and the 0-based
 * position.
 */
public final class RuleExpression {
  /** A compiled rule. */
  @FunctionalInterface
  public interface Rule {
    boolean test(ItemRecord item, long now);
  }

  private final String text;
  private final List<Token> tokens;
  private int pos;

  private RuleExpression(String text) {
    this.text = text;
    this.tokens = lex(text);
  }

  /** Compiles {@code text}; a syntax error is an IllegalArgumentException naming the text and position. */
  public static Rule parse(String text) {
    RuleExpression p = new RuleExpression(text);
    Rule r = p.or();
    if (p.peek().kind != Kind.END) {
      throw p.error(p.peek(), "unexpected '" + p.peek().text + "'");
    }
    return r;
  }

  private enum Kind {
    WORD,
    NUMBER,
    STRING,
    OP,
    LPAREN,
    RPAREN,
    LBRACKET,
    RBRACKET,
    COMMA,
    PLUS,
    MINUS,
    END
  }

  private record Token(Kind kind, String text, int at) {}

  private IllegalArgumentException error(Token t, String message) {
    return new IllegalArgumentException("rule '" + text + "' at position " + t.at + ": " + message);
  }

  private List<Token> lex(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_' || s.charAt(j) == '.')) {
          j++;
        }
        out.add(new Token(Kind.WORD, s.substring(i, j), i));
        i = j;
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
        int j = i;
        while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.' || s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
          j++;
        }
        // A unit suffix (7d, 30m, 500ms) stays part of the number token.
        int u = j;
        while (u < s.length() && Character.isLetter(s.charAt(u))) {
          u++;
        }
        out.add(new Token(Kind.NUMBER, s.substring(i, u), i));
        i = u;
      } else if (c == '\'' || c == '"') {
        int j = s.indexOf(c, i + 1);
        if (j < 0) {
          throw new IllegalArgumentException("rule '" + s + "' at position " + i + ": unterminated string");
        }
        out.add(new Token(Kind.STRING, s.substring(i + 1, j), i));
        i = j + 1;
      } else if (c == '<' || c == '>' || c == '=' || c == '!') {
        int j = i + 1;
        if (j < s.length() && s.charAt(j) == '=') {
          j++;
        }
        String op = s.substring(i, j);
        if (op.equals("!")) {
          throw new IllegalArgumentException("rule '" + s + "' at position " + i + ": '!' must be '!=' (use 'not' to negate)");
        }
        out.add(new Token(Kind.OP, op, i));
        i = j;
      } else {
        Kind k = switch (c) {
          case '(' -> Kind.LPAREN;
          case ')' -> Kind.RPAREN;
          case '[' -> Kind.LBRACKET;
          case ']' -> Kind.RBRACKET;
          case ',' -> Kind.COMMA;
          case '+' -> Kind.PLUS;
          case '-' -> Kind.MINUS;
          default -> throw new IllegalArgumentException("rule '" + s + "' at position " + i + ": unexpected character '" + c + "'");
        };
        out.add(new Token(k, String.valueOf(c), i));
        i++;
      }
    }
    out.add(new Token(Kind.END, "end of rule", s.length()));
    return out;
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private Token next() {
    return tokens.get(pos++);
  }

  private boolean word(String w) {
    Token t = peek();
    if (t.kind == Kind.WORD && t.text.equalsIgnoreCase(w)) {
      pos++;
      return true;
    }
    return false;
  }

  private Rule or() {
    Rule left = and();
    while (word("or")) {
      Rule l = left;
      Rule r = and();
      left = (item, now) -> l.test(item, now) || r.test(item, now);
    }
    return left;
  }

  private Rule and() {
    Rule left = unary();
    while (word("and")) {
      Rule l = left;
      Rule r = unary();
      left = (item, now) -> l.test(item, now) && r.test(item, now);
    }
    return left;
  }

  private Rule unary() {
    if (word("not")) {
      Rule inner = unary();
      return (item, now) -> !inner.test(item, now);
    }
    if (peek().kind == Kind.LPAREN) {
      next();
      Rule inner = or();
      Token close = next();
      if (close.kind != Kind.RPAREN) {
        throw error(close, "expected ')', found '" + close.text + "'");
      }
      return inner;
    }
    return comparison();
  }

  private Rule comparison() {
    Token f = next();
    if (f.kind != Kind.WORD || isKeyword(f.text)) {
      throw error(f, "expected a field name, found '" + f.text + "'");
    }
    Field field = field(f.text);
    boolean negated = false;
    if (peek().kind == Kind.WORD && peek().text.equalsIgnoreCase("not")) {
      next();
      negated = true;
      if (!(peek().kind == Kind.WORD && peek().text.equalsIgnoreCase("in"))) {
        throw error(peek(), "expected 'in' after 'not', found '" + peek().text + "'");
      }
    }
    if (word("in")) {
      Token open = next();
      if (open.kind != Kind.LBRACKET) {
        throw error(open, "expected '[' after 'in', found '" + open.text + "'");
      }
      List<Value> values = new ArrayList<>();
      if (peek().kind != Kind.RBRACKET) {
        values.add(value());
        while (peek().kind == Kind.COMMA) {
          next();
          values.add(value());
        }
      }
      Token close = next();
      if (close.kind != Kind.RBRACKET) {
        throw error(close, "expected ',' or ']', found '" + close.text + "'");
      }
      boolean neg = negated;
      Set<String> texts = new HashSet<>();
      List<Double> numbers = new ArrayList<>();
      for (Value v : values) {
        if (v.time) {
          throw error(open, "'now' cannot be an element of an 'in' list");
        }
        if (v.number != null) {
          numbers.add(v.number);
          texts.add(v.text);
        } else {
          texts.add(v.text);
        }
      }
      return (item, now) -> {
        Object actual = field.get(item);
        if (actual == null) {
          return neg;
        }
        boolean hit;
        if (actual instanceof List<?> l) {
          hit = false;
          for (Object o : l) {
            hit |= texts.contains(o);
          }
        } else if (actual instanceof Number n) {
          hit = numbers.contains(n.doubleValue());
        } else {
          hit = texts.contains(actual);
        }
        return hit != neg;
      };
    }
    Token op = next();
    if (op.kind != Kind.OP) {
      throw error(op, "expected an operator (<, <=, >, >=, ==, !=, in), found '" + op.text + "'");
    }
    String o = op.text.equals("=") ? "==" : op.text;
    if (field.list && !(o.equals("==") || o.equals("!="))) {
      throw error(op, "'" + f.text + "' is a list: use ==, != or in, not '" + op.text + "'");
    }
    Value v = value();
    return (item, now) -> {
      Object actual = field.get(item);
      if (actual == null) {
        return false;
      }
      if (actual instanceof List<?> l) {
        return l.contains(v.text) == o.equals("==");
      }
      int cmp;
      if (actual instanceof Number n) {
        double rhs;
        if (v.time) {
          rhs = now + v.offsetMillis;
        } else if (v.number != null) {
          rhs = v.number;
        } else {
          return false;
        }
        cmp = Double.compare(n.doubleValue(), rhs);
      } else if (v.number == null && !v.time) {
        cmp = actual.toString().compareTo(v.text);
      } else {
        return false;
      }
      return switch (o) {
        case "<" -> cmp < 0;
        case "<=" -> cmp <= 0;
        case ">" -> cmp > 0;
        case ">=" -> cmp >= 0;
        case "==" -> cmp == 0;
        default -> cmp != 0;
      };
    };
  }

  private record Value(String text, Double number, boolean time, long offsetMillis) {}

  private Value value() {
    Token t = next();
    switch (t.kind) {
      case STRING:
        return new Value(t.text, null, false, 0);
      case NUMBER:
        return new Value(t.text, number(t), false, 0);
      case MINUS: {
        Token n = next();
        if (n.kind != Kind.NUMBER) {
          throw error(n, "expected a number after '-', found '" + n.text + "'");
        }
        return new Value("-" + n.text, -number(n), false, 0);
      }
      case WORD:
        if (t.text.equalsIgnoreCase("now")) {
          if (peek().kind == Kind.PLUS || peek().kind == Kind.MINUS) {
            int sign = next().kind == Kind.PLUS ? 1 : -1;
            Token d = next();
            if (d.kind != Kind.NUMBER) {
              throw error(d, "expected a duration such as 7d, 12h, 30m, 10s or 500ms, found '" + d.text + "'");
            }
            return new Value("now", null, true, sign * duration(d));
          }
          return new Value("now", null, true, 0);
        }
        if (isKeyword(t.text)) {
          throw error(t, "expected a value, found '" + t.text + "'");
        }
        return new Value(t.text, null, false, 0);
      default:
        throw error(t, "expected a value (number, 'text', word or now), found '" + t.text + "'");
    }
  }

  private double number(Token t) {
    try {
      return Double.parseDouble(t.text);
    } catch (NumberFormatException e) {
      throw error(t, "bad number '" + t.text + "' (a duration needs 'now +' or 'now -' before it)");
    }
  }

  private long duration(Token t) {
    String s = t.text;
    int u = 0;
    while (u < s.length() && (Character.isDigit(s.charAt(u)) || s.charAt(u) == '.')) {
      u++;
    }
    String unit = s.substring(u);
    long scale = switch (unit) {
      case "ms" -> 1L;
      case "s" -> 1_000L;
      case "m" -> 60_000L;
      case "h" -> 3_600_000L;
      case "d" -> 86_400_000L;
      case "w" -> 7 * 86_400_000L;
      default -> throw error(t, "bad duration '" + s + "': a number with a unit ms, s, m, h, d or w");
    };
    try {
      return Math.round(Double.parseDouble(s.substring(0, u)) * scale);
    } catch (NumberFormatException e) {
      throw error(t, "bad duration '" + s + "'");
    }
  }

  private static boolean isKeyword(String w) {
    return switch (w.toLowerCase(java.util.Locale.ROOT)) {
      case "and", "or", "not", "in" -> true;
      default -> false;
    };
  }

  /** Reads one field of an item: a list (categories, tags), a Long, Double or String, or null when absent. */
  private record Field(boolean list, java.util.function.Function<ItemRecord, Object> getter) {
    Object get(ItemRecord r) {
      return r == null ? null : getter.apply(r);
    }
  }

  private static Field field(String name) {
    return switch (name) {
      case "id" -> new Field(false, ItemRecord::id);
      case "category", "categories" -> new Field(true, ItemRecord::categories);
      case "tag", "tags" -> new Field(true, ItemRecord::tags);
      case "published_at" -> new Field(false, ItemRecord::publishedAt);
      case "expires_at" -> new Field(false, ItemRecord::expiresAt);
      default -> {
        String attr = name.startsWith("attributes.") ? name.substring("attributes.".length()) : name;
        yield new Field(false, r -> r.attributes().get(attr));
      }
    };
  }
}
