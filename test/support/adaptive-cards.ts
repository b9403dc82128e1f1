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
