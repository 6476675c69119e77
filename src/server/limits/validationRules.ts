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
    return rule(wrapped);
  };
}
