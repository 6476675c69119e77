import type { AuthChecker } from 'type-graphql';
import type { Scope } from '../accounts/apiKeys';
import { forbidden } from '../common/errors';
import type { Context } from './context';

/** `@Authorized('ingest')` on a field: the caller's key must carry that scope. */
export const scopeAuthChecker: AuthChecker<Context, Scope> = ({ context }, scopes) => {
  const missing = scopes.filter((scope) => !context.caller.scopes.includes(scope));
  if (missing.length > 0) {
    throw forbidden(`This API key lacks the "${missing.join('", "')}" scope. Create a key with it: touchpoint keys create --account ID --scopes ${missing.join(',')}`);
  }
  return true;
};
