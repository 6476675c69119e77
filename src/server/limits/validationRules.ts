import { GraphQLError, type ASTVisitor, type ValidationContext, type ValidationRule } from 'graphql';
import depthLimit from 'graphql-depth-limit';

function limitError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

/** At most `max` aliased fields in a document (aliases multiply work without nesting). */
export function aliasLimit(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias && ++aliases === max + 1) {
          context.reportError(limitError(`The query uses more than ${max} aliases. Split it into several requests.`, 'ALIAS_LIMIT_EXCEEDED'));
        }
      },
    };
  };
}

/** Nesting deeper than `max` fields; reported with its own code. */
export function depthRule(max: number): ValidationRule {
  const rule = depthLimit(max, {}, () => undefined) as ValidationRule;
  return (context: ValidationContext) => {
    const wrapped = Object.create(context) as ValidationContext;
    wrapped.reportError = (error: GraphQLError) =>
      context.reportError(limitError(`${error.message}. The deepest query allowed has ${max} levels.`, 'DEPTH_LIMIT_EXCEEDED'));
    try {
      return rule(wrapped);
    } catch {
      // graphql-depth-limit walks the document when the rule is built, before graphql's own rules
      // run, and throws on a spread of an unknown fragment (TypeError) or a fragment cycle (stack
      // overflow). Such a document is invalid (KnownFragmentNames, NoFragmentCycles say why): refuse
      // it as a validation error, not as an internal error, and never let it through unmeasured.
      context.reportError(new GraphQLError('The depth of the query cannot be measured: it spreads an unknown fragment or its fragments form a cycle.'));
      return {};
    }
  };
}
