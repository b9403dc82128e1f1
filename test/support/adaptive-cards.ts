// Checks an Adaptive Card the way a host does: the `adaptivecards` package parses it (reporting
// unknown element types and bad values) and validates its properties.
import * as AC from 'adaptivecards';

export function cardProblems(json: object): string[] {
  const card = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext();
  card.parse(json, ctx);
  const parsed = Array.from({ length: ctx.eventCount }, (_, i) => ctx.getEventAt(i).message);
  return [...parsed, ...card.validateProperties().validationEvents.map((e) => e.message)];
}

type Json = Record<string, unknown>;

/** Every object inside a card (or any JSON), depth first: for finding its actions and texts. */
export function walk(v: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(v)) v.forEach((x) => walk(x, out));
  else if (v && typeof v === 'object') {
    out.push(v as Json);
    Object.values(v).forEach((x) => walk(x, out));
  }
  return out;
}
