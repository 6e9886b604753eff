package dev.cura.rest.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * Request bodies are read strictly (issue 12): no silent coercion ({@code 1.5}, {@code "5"} or
 * {@code true} where an integer is expected, {@code 1} where a boolean is), no duplicate keys, no
 * trailing content after the JSON value, no control characters or unpaired surrogates in any string
 * or key ({@link Text}). Every refusal is a 400 naming the field ({@link JsonErrors}).
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

  /** A string the API refuses; Jackson adds the field path. */
  static final class BadTextException extends JsonMappingException {
    BadTextException(JsonParser p, String message) {
      super(p, message);
    }
  }

  @Override
  @SuppressWarnings("deprecation") // MapperFeature toggles on a built mapper: Quarkus builds it
  public void customize(ObjectMapper mapper) {
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    mapper.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
    mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    mapper.configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
    mapper.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    mapper
        .coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Float)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    var strings = new SimpleModule("cura-strict-strings");
    strings.addDeserializer(String.class, new CleanStrings());
    strings.addKeyDeserializer(String.class, new CleanKeys());
    mapper.registerModule(strings);
    mapper.setNodeFactory(new CleanNodes());
  }

  /** Strings: only JSON strings (no numbers or booleans turned into text), and clean ones. */
  static final class CleanStrings extends StdScalarDeserializer<String> {
    CleanStrings() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
          return null;
        }
        return StringDeserializer.instance.deserialize(p, ctxt); // applies the coercion rules
      }
      return check(p, p.getText());
    }
  }

  /** Map keys. */
  static final class CleanKeys extends KeyDeserializer {
    @Override
    public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
      return check(ctxt.getParser(), key);
    }
  }

  /** Tree bodies ({@code JsonNode}): every text node is checked as it is made. */
  static final class CleanNodes extends JsonNodeFactory {
    @Override
    public TextNode textNode(String text) {
      if (text != null) {
        Text.requireClean(text, null, "a string in the request body");
      }
      return super.textNode(text);
    }
  }

  private static String check(JsonParser p, String text) throws BadTextException {
    String defect = Text.defect(text);
    if (defect != null) {
      throw new BadTextException(p, defect);
    }
    return text;
  }
}
