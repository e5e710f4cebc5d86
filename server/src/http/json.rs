//! Reading a JSON body as its OpenAPI schema describes it: a struct is
//! read from an object only (serde would also fill one from an array of
//! its fields in order, which no schema here allows), and a number with no
//! fraction is an integer wherever it is written (`14.0` is the integer 14
//! in JSON Schema, which serde's integers refuse). Text holding the NUL
//! character is refused: PostgreSQL cannot store it, and no field needs it
//! (the document says so with a pattern on every free text).

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use serde_json::{Map, Number, Value};

/// `T` from a parsed JSON body, or what is wrong with it (for a 400),
/// naming the field at fault.
pub(super) fn from_object<T: DeserializeOwned + serde::Serialize>(value: Value) -> Result<T, String> {
    let Value::Object(_) = value else {
        return Err(format!("the body is JSON {}, not an object; send {{…}} with the fields", kind(&value)));
    };
    let read: T = read_object(value)?;
    // Only the fields read count: unknown ones are ignored, NUL or not.
    if let Some(at) = serde_json::to_value(&read).ok().and_then(|fields| nul_at(&fields, "")) {
        return Err(format!("{at}: text may not hold the NUL character (\\u0000); remove it"));
    }
    Ok(read)
}

fn read_object<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(Strict(integral(value))).map_err(|e| {
        let at = e.path().to_string();
        if at == "." { e.inner().to_string() } else { format!("{at}: {}", e.inner()) }
    })
}

/// Where `value` holds a string (or a key) with the NUL character, as a path.
fn nul_at(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::String(text) => {
            text.contains('\0').then(|| if path.is_empty() { ".".to_owned() } else { path.to_owned() })
        }
        Value::Array(items) => items.iter().enumerate().find_map(|(n, item)| nul_at(item, &format!("{path}[{n}]"))),
        Value::Object(fields) => fields.iter().find_map(|(key, field)| {
            let at = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            if key.contains('\0') { Some(at) } else { nul_at(field, &at) }
        }),
        _ => None,
    }
}

/// `value` with every whole float within `i64` written as an integer.
fn integral(value: Value) -> Value {
    match value {
        Value::Number(number) => Value::Number(whole(&number).map_or(number, Number::from)),
        Value::Array(items) => Value::Array(items.into_iter().map(integral).collect()),
        Value::Object(fields) => Value::Object(fields.into_iter().map(|(k, v)| (k, integral(v))).collect()),
        other => other,
    }
}

fn whole(number: &Number) -> Option<i64> {
    let float = number.as_f64().filter(|_| number.is_f64())?;
    // 2^63 is exact as an f64; every whole float below it (and from -2^63) is an i64.
    const TWO_TO_63: f64 = 9_223_372_036_854_775_808.0;
    #[allow(clippy::cast_possible_truncation, reason = "checked: whole and within i64")]
    (float.fract() == 0.0 && (-TWO_TO_63..TWO_TO_63).contains(&float)).then_some(float as i64)
}

/// A JSON value that gives a struct only an object: serde_json's own
/// `Value` deserializer for everything else, with nested values wrapped.
struct Strict(Value);

impl<'de> de::Deserializer<'de> for Strict {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Array(items) => {
                let length = items.len();
                let mut rest = Items(items.into_iter());
                let value = visitor.visit_seq(&mut rest)?;
                // As serde_json does: an array longer than the visitor reads (a fixed-size one) is refused.
                match rest.0.len() {
                    0 => Ok(value),
                    _ => Err(de::Error::invalid_length(length, &"fewer elements in array")),
                }
            }
            Value::Object(fields) => visitor.visit_map(Fields { fields: fields.into_iter(), value: None }),
            other => de::Deserializer::deserialize_any(other, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(Strict(other)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Object(fields) => visitor.visit_map(Fields { fields: fields.into_iter(), value: None }),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        de::Deserializer::deserialize_enum(self.0, name, variants, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("a number"),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

struct Items(std::vec::IntoIter<Value>);

impl<'de> de::SeqAccess<'de> for Items {
    type Error = serde_json::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Self::Error> {
        self.0.next().map(|item| seed.deserialize(Strict(item))).transpose()
    }
}

struct Fields {
    fields: <Map<String, Value> as IntoIterator>::IntoIter,
    value: Option<Value>,
}

impl<'de> de::MapAccess<'de> for Fields {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error> {
        let Some((key, value)) = self.fields.next() else { return Ok(None) };
        self.value = Some(value);
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Self::Error> {
        seed.deserialize(Strict(self.value.take().unwrap_or(Value::Null)))
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    use super::from_object;

    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Schedule {
        days: i32,
        #[serde(default)]
        height_mm: f32,
        #[serde(default)]
        patient: Option<Patient>,
    }

    #[derive(Debug, Default, PartialEq, Deserialize, Serialize)]
    struct Patient {
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        stages: Vec<i32>,
    }

    #[test]
    fn whole_floats_are_integers_and_fractions_stay_refused() {
        let schedule = |days, height_mm| Schedule { days, height_mm, patient: None };
        assert_eq!(from_object::<Schedule>(json!({"days": 14.0})), Ok(schedule(14, 0.0)));
        assert_eq!(from_object::<Schedule>(json!({"days": 1, "height_mm": 3.0})), Ok(schedule(1, 3.0)));
        let fraction = from_object::<Schedule>(json!({"days": 14.5})).unwrap_err();
        assert!(fraction.starts_with("days: invalid type: floating point `14.5`"), "{fraction}");
        let huge = from_object::<Schedule>(json!({"days": 1e300})).unwrap_err();
        assert!(huge.starts_with("days: invalid type: floating point"), "{huge}");
    }

    #[test]
    fn only_an_object_is_a_body() {
        let array = from_object::<Schedule>(json!([14, 0.0])).unwrap_err();
        assert_eq!(array, "the body is JSON an array, not an object; send {…} with the fields");
        assert!(from_object::<Schedule>(json!(null)).is_err());
        let unknown = from_object::<Schedule>(json!({"days": 1, "weeks": 2})).unwrap_err();
        assert!(unknown.contains("unknown field `weeks`"), "{unknown}");
    }

    #[test]
    fn a_nested_struct_is_an_object_too_and_lists_and_options_read_as_before() {
        let nested = from_object::<Schedule>(json!({"days": 1, "patient": []})).unwrap_err();
        assert!(nested.starts_with("patient: invalid type: sequence, expected struct Patient"), "{nested}");
        let read = from_object::<Schedule>(json!({"days": 1, "patient": {"name": "Ana", "stages": [1.0, 2]}}));
        let patient = Patient { name: Some("Ana".into()), stages: vec![1, 2] };
        assert_eq!(read.map(|schedule| schedule.patient), Ok(Some(patient)));
        #[derive(Debug, Deserialize, Serialize)]
        struct Offset {
            _mm: [f32; 2],
        }
        assert!(from_object::<Offset>(json!({"_mm": [0, 0]})).is_ok());
        for wrong in [json!([0]), json!([0, 0, 0])] {
            assert!(from_object::<Offset>(json!({"_mm": wrong})).is_err(), "{wrong}");
        }
        let null = from_object::<Schedule>(json!({"days": 1, "patient": null}));
        assert_eq!(null.map(|schedule| schedule.patient), Ok(None));
    }
}
