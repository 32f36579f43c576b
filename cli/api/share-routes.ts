/** POST /share (upload and share), GET /shares (what this peer shares), DELETE /shares/{id}. */
import { rm } from 'node:fs/promises';
import { z } from 'zod';
import { ShoalError } from '../../shared/protocol/errors';
import { contentIdSchema } from '../../shared/protocol/tracker-messages';
import { UPLOAD_FILES_MAX } from '../config';
import type { SharedFile } from '../node/library';
import { sharedFileViewSchema, sharedFileView } from '../output/views';
import { apiErrorSchema } from './api-errors';
import type { ApiApp, ApiContext } from './api-context';
import { documentationOnly } from './documentation-only';
import { receiveUploads } from './upload-files';

const sharedFilesSchema = z.object({ files: z.array(sharedFileViewSchema) });

export function registerShareRoutes(app: ApiApp, { peer, sharedDir, uploadLimits }: ApiContext): void {
  app.post(
    '/share',
    {
      schema: {
        summary: 'Upload files and share them',
        description: `Saves each file part into the shared folder (under a safe, unique name) and shares it. All or nothing: if one part fails, none is kept. Up to ${UPLOAD_FILES_MAX} files.`,
        consumes: ['multipart/form-data'],
        body: documentationOnly(z.object({ files: z.array(z.file()).describe('one or more file parts (any field name)') })),
        response: { 201: sharedFilesSchema, 400: apiErrorSchema, 413: apiErrorSchema, 415: apiErrorSchema },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw new ShoalError('BAD_REQUEST', 'Send the files as multipart/form-data');
      }
      const limits = { files: uploadLimits.filesMax, fileSize: uploadLimits.fileMaxBytes, fields: 20, fieldSize: 4096 };
      const parts = request.parts({ limits });
      const savedPaths = await receiveUploads(parts, sharedDir, uploadLimits.fileMaxBytes);
      const shared: SharedFile[] = [];
      try {
        for (const savedPath of savedPaths) shared.push(await peer.library.shareFile(savedPath));
      } catch (error) {
        await Promise.all(savedPaths.map((savedPath) => rm(savedPath, { force: true })));
        throw error;
      }
      return reply.code(201).send({ files: shared.map(sharedFileView) });
    },
  );

  app.get(
    '/shares',
    { schema: { summary: 'The files this peer shares', response: { 200: sharedFilesSchema } } },
    async () => ({ files: (await peer.library.list()).map(sharedFileView) }),
  );

  app.delete(
    '/shares/:id',
    {
      schema: {
        summary: 'Stop sharing a file',
        description: 'Withdraws the file from the network. The file itself stays on disk.',
        params: z.object({ id: contentIdSchema }),
        response: { 204: z.null().describe('no longer shared'), 400: apiErrorSchema, 404: apiErrorSchema },
      },
    },
    async (request, reply) => {
      if (!(await peer.library.unshare(request.params.id))) {
        throw new ShoalError('FILE_NOT_FOUND', `This peer does not share a file with id ${request.params.id}`, { contentId: request.params.id });
      }
      return reply.code(204).send(null);
    },
  );
}
