// Display names of the people the bot has heard from or seen mentioned. A Teams mention needs a
// name to show; ids are all the core keeps. Names only label mentions, so a process that has not
// seen someone yet writes a neutral word and Teams still notifies the right person by id.
const LIMIT = 10_000;

export class People {
  private readonly names = new Map<string, string>();

  saw(id: string, name: string | undefined) {
    if (!id || !name) return;
    this.names.delete(id);
    this.names.set(id, name);
    if (this.names.size > LIMIT) this.names.delete(this.names.keys().next().value!);
  }

  readonly name = (id: string): string => this.names.get(id) ?? 'responder';
}
