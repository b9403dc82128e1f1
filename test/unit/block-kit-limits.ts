// Slack's Block Kit limits as a zod schema. No npm package checks them (see ENVIRONMENT.md), and Slack
// answers `invalid_blocks` to anything over a limit, so a header that grows past one would silently stop
// updating mid-incident. Only the block and element types the bot builds are modelled, and objects are
// strict: an unknown property is as much a mistake as a long text.
//
// Limits (Slack's Block Kit reference; ENVIRONMENT.md):
//   message: at most 50 blocks; modal: at most 100 blocks
//   section text 3000; section fields: at most 10, each at most 2000
//   header text 150; button text 75; option text and description 75; option value 150
//   actions block: at most 25 elements; context block: at most 10 elements
//   input label and hint 2000; placeholder 150; plain_text_input value at most its max_length (<= 3000)
//   modal title, submit and close 24; private_metadata 3000; callback_id 255
//   action_id and block_id 255; block_ids unique within a message or view
//   action_ids unique within a message (ENVIRONMENT.md); in a modal, unique within their block (Slack's
//     element reference), since view_submission state is keyed by block_id, then action_id
// Lengths are counted in UTF-16 code units, which is never fewer than Slack's characters. Text must also
// be well-formed: a lone surrogate (half an emoji, cut by a naive slice) cannot be encoded as UTF-8.
import { z } from 'zod';

export const LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  optionValue: 150,
  options: 10,
  actionsElements: 25,
  contextElements: 10,
  inputLabel: 2000,
  placeholder: 150,
  textInputValue: 3000,
  modalTitle: 24,
  privateMetadata: 3000,
  id: 255,
} as const;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const str = (max: number) =>
  z
    .string()
    .max(max, { message: `longer than Slack's limit of ${max} characters` })
    .refine((s) => !LONE_SURROGATE.test(s), { message: 'contains half a surrogate pair (a cut emoji)' });

const text = (max: number) => str(max).min(1, { message: 'Slack refuses empty text' });

const plainText = (max: number) =>
  z.strictObject({ type: z.literal('plain_text'), text: text(max), emoji: z.boolean().optional() });
const mrkdwn = (max: number) =>
  z.strictObject({ type: z.literal('mrkdwn'), text: text(max), verbatim: z.boolean().optional() });
const anyText = (max: number) => z.discriminatedUnion('type', [plainText(max), mrkdwn(max)]);

const id = () => text(LIMITS.id);

const option = z.strictObject({
  text: anyText(LIMITS.optionText),
  value: text(LIMITS.optionValue),
  description: anyText(LIMITS.optionText).optional(),
});

const button = z.strictObject({
  type: z.literal('button'),
  text: plainText(LIMITS.buttonText),
  action_id: id().optional(),
  value: str(LIMITS.buttonValue).optional(),
  url: str(3000).optional(),
  style: z.enum(['primary', 'danger']).optional(),
});

const radioButtons = z.strictObject({
  type: z.literal('radio_buttons'),
  action_id: id().optional(),
  options: z.array(option).min(1).max(LIMITS.options),
  initial_option: option.optional(),
});

const checkboxes = z.strictObject({
  type: z.literal('checkboxes'),
  action_id: id().optional(),
  options: z.array(option).min(1).max(LIMITS.options),
  initial_options: z.array(option).optional(),
});

const usersSelect = z.strictObject({
  type: z.literal('users_select'),
  action_id: id().optional(),
  placeholder: plainText(LIMITS.placeholder).optional(),
  initial_user: text(LIMITS.id).optional(),
});

const staticSelect = z.strictObject({
  type: z.literal('static_select'),
  action_id: id().optional(),
  placeholder: plainText(LIMITS.placeholder).optional(),
  // Select menus take at most 100 options, and their options have no description.
  options: z.array(option.omit({ description: true })).min(1).max(100),
  initial_option: option.omit({ description: true }).optional(),
});

const plainTextInput = z
  .strictObject({
    type: z.literal('plain_text_input'),
    action_id: id().optional(),
    placeholder: plainText(LIMITS.placeholder).optional(),
    initial_value: str(LIMITS.textInputValue).optional(),
    multiline: z.boolean().optional(),
    min_length: z.number().int().min(0).max(LIMITS.textInputValue).optional(),
    max_length: z.number().int().min(1).max(LIMITS.textInputValue).optional(),
  })
  .refine((e) => e.initial_value === undefined || e.initial_value.length <= (e.max_length ?? LIMITS.textInputValue), {
    message: 'initial_value is longer than the max_length Slack will accept back',
    path: ['initial_value'],
  });

const interactive = z.discriminatedUnion('type', [button, radioButtons, checkboxes, usersSelect, staticSelect]);

const header = z.strictObject({ type: z.literal('header'), block_id: id().optional(), text: plainText(LIMITS.headerText) });
const divider = z.strictObject({ type: z.literal('divider'), block_id: id().optional() });
const section = z
  .strictObject({
    type: z.literal('section'),
    block_id: id().optional(),
    text: anyText(LIMITS.sectionText).optional(),
    fields: z.array(anyText(LIMITS.fieldText)).min(1).max(LIMITS.sectionFields).optional(),
    accessory: interactive.optional(),
  })
  .refine((b) => b.text !== undefined || b.fields !== undefined, { message: 'a section needs text or fields' });
const context = z.strictObject({
  type: z.literal('context'),
  block_id: id().optional(),
  elements: z.array(anyText(3000)).min(1).max(LIMITS.contextElements),
});
const actions = z.strictObject({
  type: z.literal('actions'),
  block_id: id().optional(),
  elements: z.array(interactive).min(1).max(LIMITS.actionsElements),
});
const input = z.strictObject({
  type: z.literal('input'),
  block_id: id().optional(),
  label: plainText(LIMITS.inputLabel),
  hint: plainText(LIMITS.inputLabel).optional(),
  optional: z.boolean().optional(),
  dispatch_action: z.boolean().optional(),
  element: z.discriminatedUnion('type', [plainTextInput, radioButtons, checkboxes, usersSelect, staticSelect]),
});

const block = z.discriminatedUnion('type', [header, divider, section, context, actions, input]);
type Block = z.infer<typeof block>;

/** The action_ids of one block's interactive elements. */
function actionIds(b: Block): string[] {
  const els = b.type === 'actions' ? b.elements : b.type === 'section' ? [b.accessory] : b.type === 'input' ? [b.element] : [];
  return els.flatMap((e) => (e?.action_id === undefined ? [] : [e.action_id]));
}

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

function uniqueBlockIds(blocks: Block[], ctx: z.RefinementCtx): void {
  for (const d of duplicates(blocks.flatMap((b) => (b.block_id === undefined ? [] : [b.block_id])))) {
    ctx.addIssue({ code: 'custom', message: `block_id "${d}" is used twice` });
  }
}

export const messageBlocksSchema = z
  .array(block)
  .max(LIMITS.messageBlocks, { message: `a message holds at most ${LIMITS.messageBlocks} blocks` })
  .superRefine((blocks, ctx) => {
    uniqueBlockIds(blocks, ctx);
    for (const d of duplicates(blocks.flatMap(actionIds))) {
      ctx.addIssue({ code: 'custom', message: `action_id "${d}" is used twice in one message` });
    }
  });

export const modalViewSchema = z
  .strictObject({
    type: z.literal('modal'),
    title: plainText(LIMITS.modalTitle),
    submit: plainText(LIMITS.modalTitle).optional(),
    close: plainText(LIMITS.modalTitle).optional(),
    callback_id: id().optional(),
    private_metadata: str(LIMITS.privateMetadata).optional(),
    external_id: id().optional(),
    clear_on_close: z.boolean().optional(),
    notify_on_close: z.boolean().optional(),
    blocks: z.array(block).max(LIMITS.modalBlocks, { message: `a modal holds at most ${LIMITS.modalBlocks} blocks` }),
  })
  .superRefine((view, ctx) => {
    uniqueBlockIds(view.blocks, ctx);
    for (const b of view.blocks) {
      for (const d of duplicates(actionIds(b))) {
        ctx.addIssue({ code: 'custom', message: `action_id "${d}" is used twice in block ${b.block_id ?? '(no id)'}` });
      }
    }
    if (view.blocks.some((b) => b.type === 'input') && view.submit === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a modal with input blocks needs a submit button', path: ['submit'] });
    }
  });

/** Every broken limit, one line each, for a readable test failure; empty when all hold. */
export function limitProblems(schema: z.ZodType, value: unknown): string[] {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
}
