// A program that declares its principal and connection data types in `Register` of
// `@bp/session`, compiled by test/register-types.test.ts on its own (the declaration holds for a
// whole program, so it must not be part of the package's other type checks). Each
// `@ts-expect-error` is a misuse the declaration must catch.
import { Protocol, string, struct, u32 } from '@bp/codec';
import type { HandlerContext, Interceptor } from '@bp/session';
import { createServer } from '@bp/transport-node';

interface User {
  readonly id: string;
  readonly admin: boolean;
}

class PlayerState {
  score = 0;
}

declare module '@bp/session' {
  interface Register {
    principal: User;
    data: PlayerState;
  }
}

enum T {
  SCORE = 1,
  SCORE_REPLY = 2,
}

const protocol = new Protocol({
  messageTypeEnum: T,
  messageStructures: {
    [T.SCORE]: struct({ points: u32 }),
    [T.SCORE_REPLY]: struct({ player: string(), total: u32 }),
  },
  responses: { [T.SCORE]: T.SCORE_REPLY },
});

const audit: Interceptor<typeof protocol> = (next) => (call) => {
  // A broadcast belongs to no connection: its principal is undefined.
  const admin: boolean | undefined = call.principal?.admin;
  void admin;
  return next(call);
};

createServer({
  protocol,
  auth: {
    authenticate: async ({ token }) => (token === 'secret' ? { id: 'u1', admin: false } : false),
  },
  interceptors: [audit],
  handlers: {
    [T.SCORE]: ({ points }, ctx) => {
      const player: string = ctx.principal.id;
      const state = (ctx.session.data ??= new PlayerState());
      state.score += points;
      const principalOfSession: User = ctx.session.principal;
      void principalOfSession;
      return { player, total: state.score };
    },
  },
});

function readsOnly(ctx: HandlerContext<typeof protocol>): void {
  // @ts-expect-error the declared principal has no `name`
  void ctx.principal.name;
  // @ts-expect-error session.data is a PlayerState (or undefined until set), not a string
  ctx.session.data = 'not a player';
}
void readsOnly;

createServer({
  protocol,
  // @ts-expect-error authenticate must return the declared principal (or a refusal)
  auth: { authenticate: () => ({ name: 'someone' }) },
});

createServer({
  protocol,
  // @ts-expect-error token auth's principal { method: 'token' } is not a User
  auth: { token: 'secret' },
});
