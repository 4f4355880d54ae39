import { STATUS_CODES } from "node:http";
import type { FastifyReply } from "fastify";

export const PROBLEM_TYPE = "application/problem+json; charset=utf-8";

/** RFC 9457 problem details. `type` stays about:blank: the status code says what happened. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export function problem(
  status: number,
  detail?: string,
  extensions: Record<string, unknown> = {},
): Problem {
  return {
    type: "about:blank",
    title: STATUS_CODES[status] ?? "Error",
    status,
    ...(detail === undefined ? {} : { detail }),
    ...extensions,
  };
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply
    .code(body.status)
    .type(PROBLEM_TYPE)
    .send({ ...body, instance: body.instance ?? reply.request.url });
}
