/** Proof certificates shown as read-only virtual documents on the `tensorlift-proof:` scheme. */

import * as vscode from 'vscode';

export const PROOF_SCHEME = 'tensorlift-proof';

/** The text of a proof document: SMT-LIB comments saying where it comes from, then the certificate. */
export function proofText(source: string, position: { line: number; character: number }, certificate: string, status: string): string {
    const header = [
        '; tensorlift proof certificate',
        `; source: ${source}:${position.line + 1}:${position.character + 1}`,
        `; status: ${status}`,
        '',
    ].join('\n');
    return header + certificate + (certificate.endsWith('\n') ? '' : '\n');
}

export class ProofDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
    private readonly contents = new Map<string, string>();
    private readonly changed = new vscode.EventEmitter<vscode.Uri>();
    readonly onDidChange = this.changed.event;

    /** The virtual URI of the proof of the loop at `position` in `source`: one document per loop. */
    static uriFor(source: vscode.Uri, position: { line: number; character: number }): vscode.Uri {
        const base = source.path.split('/').pop() || 'untitled';
        return vscode.Uri.from({
            scheme: PROOF_SCHEME,
            path: `/${base}-L${position.line + 1}.smt2`,
            query: new URLSearchParams({ source: source.toString(), line: String(position.line) }).toString(),
        });
    }

    provideTextDocumentContent(uri: vscode.Uri): string {
        return this.contents.get(uri.toString()) ?? '; this proof is no longer available: run "tensorlift: Show Proof" again\n';
    }

    /** Store the certificate and show it beside the source, as SMT-LIB when a language for it is installed. */
    async open(
        source: vscode.Uri,
        position: { line: number; character: number },
        certificate: string,
        status: string,
    ): Promise<vscode.TextDocument> {
        const uri = ProofDocuments.uriFor(source, position);
        this.contents.set(uri.toString(), proofText(source.toString(), position, certificate, status));
        this.changed.fire(uri);
        let document = await vscode.workspace.openTextDocument(uri);
        const languages = await vscode.languages.getLanguages();
        if (languages.includes('smt2') && document.languageId !== 'smt2') {
            document = await vscode.languages.setTextDocumentLanguage(document, 'smt2');
        }
        await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
        return document;
    }

    dispose(): void {
        this.changed.dispose();
        this.contents.clear();
    }
}
