import type { FieldMap, InputFieldMap, InputObjectRef, InputShapeFromFields, ObjectRef } from '@pothos/core';
import type { GatewayContext } from '../context.js';
import type { Attribute, Problem, Written } from '../datasources/gitlab-data.js';
import { WriteOutcomeUnknown } from '../errors.js';
import { builder } from './builder.js';

type Types = typeof builder.$inferSchemaTypes;

interface UserErrorShape {
  message: string;
  code: string;
  field: string[] | null;
}

const UserErrorRef = builder.objectRef<UserErrorShape>('UserError').implement({
  description: 'A problem with a mutation\'s input that the caller can fix. The payload\'s other fields are then null.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'For people: GitLab\'s own words where GitLab said it.' }),
    code: t.exposeString('code', {
      description: 'For programs: INVALID_INPUT, NAME_TAKEN, TOKEN_LIMIT_REACHED or URL_CONFIGURATION_EXISTS.',
    }),
    field: t.exposeStringList('field', { nullable: true, description: 'Path of the input field at fault, e.g. ["input", "name"].' }),
  }),
});

/** A payload: its outputs when the write succeeded, else only its `errors`. */
type Payload<Outputs> = Partial<Outputs> & { errors: UserErrorShape[] };

interface MutationOptions<Fields extends InputFieldMap, Result, Outputs> {
  /** The mutation field's. */
  description: string;
  input: {
    description: string;
    /** The `input` argument's. */
    argument: string;
    fields: (t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>) => Fields;
  };
  write: (input: InputShapeFromFields<Fields>, context: GatewayContext) => Promise<Written<Result>>;
  /** The payload's outputs when the write succeeded. */
  outputs: (result: Result) => Outputs;
  /** The payload's fields besides `errors`, over its outputs; each is null when `errors` is not empty. */
  payload: {
    description: string;
    fields: (t: PothosSchemaTypes.ObjectFieldBuilder<Types, Payload<Outputs>>) => FieldMap;
  };
  /** The input field each GitLab attribute is, for the `field` of a problem about it. */
  attributes?: Partial<Record<Attribute, string>>;
  /** How the caller finds out whether a write that got no answer happened (it is never sent again). */
  howToCheck: (input: InputShapeFromFields<Fields>) => string;
}

const capitalize = (name: string) => `${name[0]!.toUpperCase()}${name.slice(1)}`;

/**
 * One write, as a mutation taking `input: <Name>Input!` and answering a
 * `<Name>Payload!` whose `errors` carry the input problems the door reports.
 */
export function mutation<Fields extends InputFieldMap, Result, Outputs extends object>(name: string, options: MutationOptions<Fields, Result, Outputs>): void {
  const Input = builder.inputType(`${capitalize(name)}Input`, { description: options.input.description, fields: options.input.fields });
  const PayloadRef = builder.objectRef<Payload<Outputs>>(`${capitalize(name)}Payload`).implement({
    description: options.payload.description,
    fields: (t) => ({
      ...options.payload.fields(t),
      errors: t.field({
        type: [UserErrorRef],
        description: 'Input the caller can fix, one entry per problem; empty when the write succeeded.',
        resolve: (payload) => payload.errors,
      }),
    }),
  });
  const fieldOf = options.attributes ?? {};
  const toUserError = ({ message, code, attribute }: Problem): UserErrorShape => {
    const field = attribute && fieldOf[attribute];
    return { message, code, field: field ? ['input', field] : null };
  };
  const resolve = async (input: InputShapeFromFields<Fields>, context: GatewayContext): Promise<Payload<Outputs>> => {
    let written: Written<Result>;
    try {
      written = await options.write(input, context);
    } catch (err) {
      throw err instanceof WriteOutcomeUnknown ? err.withHint(options.howToCheck(input)) : err;
    }
    return written.ok ? { ...options.outputs(written.value), errors: [] } : ({ errors: written.problems.map(toUserError) } as Payload<Outputs>);
  };
  // Pothos's shape conditionals cannot be resolved over the generic Fields and Outputs; each call site is checked against them instead.
  const payloadType = PayloadRef as unknown as ObjectRef<Types, object>;
  const inputType = Input as unknown as InputObjectRef<Types, object>;
  builder.mutationField(name, (t) =>
    t.field({
      type: payloadType,
      description: options.description,
      args: { input: t.arg({ type: inputType, required: true, description: options.input.argument }) },
      resolve: (_root, { input }, context) => resolve(input as InputShapeFromFields<Fields>, context),
    }),
  );
}
