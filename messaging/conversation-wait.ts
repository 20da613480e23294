// What a process waits for from its customer's free text (a typed code, a typed phrase): the webhook ingestion routes
// text with no reply context to the newest wait for that phone (services/webhook-ingestion.ts). Opening a wait is one
// statement: it runs on the hot path of a code's send (activities/otp.ts).
import type { PrismaClient } from '../prisma/generated/client';

export interface ConversationWaitInput {
  workflowId: string;
  subjectId: string;
  phone: string;
  /** text: the workflow gets the text; otp: only its keyed hash */
  expects: 'otp' | 'text';
}

/** Creates the wait, or changes what an existing one expects (its age, hence its rank for the phone, stays). */
export async function openConversationWait(prisma: PrismaClient, wait: ConversationWaitInput): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO conversation_wait (workflow_id, subject_id, phone, expects, created_at)
    VALUES (${wait.workflowId}, ${wait.subjectId}, ${wait.phone}, ${wait.expects}, ${new Date()})
    ON CONFLICT (workflow_id) DO UPDATE SET expects = EXCLUDED.expects`;
}
