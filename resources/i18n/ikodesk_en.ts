<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AccessRequestsBox</name>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/access_requests.py" line="72"/>
        <source>Inzageverzoek (art. 15 AVG): binnen een maand</source>
        <translation>Access requests (Art. 15 GDPR): within one month</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/access_requests.py" line="87"/>
        <source>Als beantwoord &amp;markeren</source>
        <translation>&amp;Mark as answered</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/access_requests.py" line="90"/>
        <source>Het inzagepakket is aan de verzoeker gegeven: de termijn stopt.</source>
        <translation>The access pack has been given to the requester: the deadline stops.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/access_requests.py" line="116"/>
        <source>Inzageverzoeken</source>
        <translation>Access requests</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/access_requests.py" line="117"/>
        <source>Kies eerst een verzoek in de lijst.</source>
        <translation>First choose a request in the list.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/access_requests.py" line="129"/>
        <source>Inzageverzoek nr. {0} is beantwoord.</source>
        <translation>Access request no. {0} has been answered.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/access_requests.py" line="142"/>
        <source>Inzageverzoek</source>
        <translation>Access request</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/access_requests.py" line="144"/>
        <source>Inzageverzoek nr. {0} (ontvangen op {1}) als beantwoord markeren? De termijn stopt en het verzoek verdwijnt uit deze lijst.</source>
        <translation>Mark access request no. {0} (received on {1}) as answered? The deadline stops and the request disappears from this list.</translation>
    </message>
</context>
<context>
    <name>AccessRequestsModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/access_requests.py" line="32"/>
        <source>Vervalt op</source>
        <translation>Due on</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/access_requests.py" line="33"/>
        <source>Nog</source>
        <translation>Left</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/access_requests.py" line="34"/>
        <source>Verzoek</source>
        <translation>Request</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/access_requests.py" line="35"/>
        <source>Ontvangen</source>
        <translation>Received</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/access_requests.py" line="36"/>
        <source>Dossiers</source>
        <translation>Dossiers</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/access_requests.py" line="37"/>
        <source>Pakket gemaakt</source>
        <translation>Pack made</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/access_requests.py" line="41"/>
        <source>{0} door {1}</source>
        <translation>{0} by {1}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/access_requests.py" line="47"/>
        <source>nr. {0}</source>
        <translation>no. {0}</translation>
    </message>
</context>
<context>
    <name>AdminPage</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="155"/>
        <source>Beheer</source>
        <translation>Administration</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="171"/>
        <source>Gebruiker &amp;toevoegen…</source>
        <translation>&amp;Add user…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="173"/>
        <source>(De)&amp;activeren</source>
        <translation>(De)&amp;activate</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="175"/>
        <source>&amp;Wachtwoord opnieuw instellen…</source>
        <translation>&amp;Reset password…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="181"/>
        <source>&amp;Rol wijzigen</source>
        <translation>Change &amp;role</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="187"/>
        <source>&amp;Vrijgeven</source>
        <translation>&amp;Unlock</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="189"/>
        <source>Een vergrendeld account weer laten inloggen</source>
        <translation>Let a locked account log in again</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="198"/>
        <source>&amp;Gebruikers en rollen</source>
        <translation>&amp;Users and roles</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="206"/>
        <source>&amp;Referentiegegevens</source>
        <translation>&amp;Reference data</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="216"/>
        <source>&amp;Database en back-up</source>
        <translation>&amp;Database and backup</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="224"/>
        <source>&amp;Conflictzaken</source>
        <translation>&amp;Conflict cases</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="227"/>
        <source>A&amp;uditlog</source>
        <translation>&amp;Audit log</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="234"/>
        <source>Be&amp;waartermijnen</source>
        <translation>Re&amp;tention periods</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="240"/>
        <source>V&amp;ernietiging</source>
        <translation>D&amp;estruction</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="248"/>
        <source>&amp;Inzageverzoek (AVG art. 15)</source>
        <translation>Access re&amp;quest (GDPR Art. 15)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="281"/>
        <source>Gebruikers</source>
        <translation>Users</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="281"/>
        <source>Kies eerst een gebruiker in de lijst.</source>
        <translation>First choose a user in the list.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="310"/>
        <source>Gebruiker {0} toegevoegd.</source>
        <translation>User {0} added.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="347"/>
        <source>Nieuw wachtwoord ingesteld voor {0}.</source>
        <translation>New password set for {0}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="372"/>
        <source>{0} is {1}.</source>
        <translation>{0} is {1}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="373"/>
        <source>geactiveerd</source>
        <translation>activated</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="373"/>
        <source>gedeactiveerd</source>
        <translation>deactivated</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="378"/>
        <source>{0} weer activeren?</source>
        <translation>Activate {0} again?</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="380"/>
        <source>{0} deactiveren? Inloggen is dan niet meer mogelijk.</source>
        <translation>Deactivate {0}? They will no longer be able to log in.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="384"/>
        <source>Gebruiker</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="396"/>
        <source>{0} kan weer inloggen.</source>
        <translation>{0} can log in again.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="406"/>
        <source>{0} heeft nu de rol {1}.</source>
        <translation>{0} now has the role {1}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="300"/>
        <source>Eerste beheerder</source>
        <translation>First administrator</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="302"/>
        <source>Met dit account beheert u gebruikers, referentiegegevens en back-ups.</source>
        <translation>With this account you manage users, reference data and backups.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="316"/>
        <source>&amp;Gebruikersnaam</source>
        <translation>&amp;User name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="317"/>
        <source>&amp;Volledige naam</source>
        <translation>&amp;Full name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="318"/>
        <source>&amp;Wachtwoord</source>
        <translation>&amp;Password</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="319"/>
        <source>&amp;Nogmaals</source>
        <translation>&amp;Again</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="322"/>
        <source>De database wordt aangemaakt…</source>
        <translation>Creating the database…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="348"/>
        <source>Ongeldige gebruikersnaam: {0}.</source>
        <translation>Invalid user name: {0}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="352"/>
        <source>De twee wachtwoorden zijn niet gelijk.</source>
        <translation>The two passwords differ.</translation>
    </message>
</context>
<context>
    <name>AnchorBox</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_security.py" line="75"/>
        <source>Auditanker</source>
        <translation>Audit anchor</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_security.py" line="81"/>
        <source>Laatste anker wordt opgezocht…</source>
        <translation>Looking up the last anchor…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_security.py" line="85"/>
        <source>Nieuw &amp;anker maken…</source>
        <translation>New &amp;anchor…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_security.py" line="103"/>
        <source>Er is nog nooit een auditanker gemaakt. Maak er nu een en bewaar de code buiten de database: alleen zo valt later te bewijzen dat niemand met de sleutel het auditlog heeft herschreven.</source>
        <translation>No audit anchor has ever been made. Make one now and keep the code outside the database: only then can you prove later that nobody with the key has rewritten the audit log.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_security.py" line="109"/>
        <source>Laatste anker: {0} (tot en met vermelding {1}).</source>
        <translation>Last anchor: {0} (up to and including entry {1}).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_security.py" line="114"/>
        <source>Dat is meer dan een maand geleden: maak een nieuw anker en bewaar de code buiten de database.</source>
        <translation>That is more than a month ago: make a new anchor and keep the code outside the database.</translation>
    </message>
</context>
<context>
    <name>AnchorCodeDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_security.py" line="46"/>
        <source>Auditanker</source>
        <translation>Audit anchor</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_security.py" line="50"/>
        <source>Schrijf deze code op of mail hem aan de leidinggevende, en bewaar hem buiten de database. Met &lt;i&gt;ikodesk audit verify --anchor CODE&lt;/i&gt; is later te bewijzen dat vermelding 1 t/m {0} van het auditlog sindsdien niet zijn gewijzigd. Over latere vermeldingen zegt de code niets.</source>
        <translation>Write this code down or mail it to the manager, and keep it outside the database. With &lt;i&gt;ikodesk audit verify --anchor CODE&lt;/i&gt; you can prove later that entries 1 to {0} of the audit log have not been changed since. The code says nothing about later entries.</translation>
    </message>
</context>
<context>
    <name>ApprovalDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/common/approval_dialog.py" line="41"/>
        <source>Goedkeuring door een tweede beheerder</source>
        <translation>Approval by a second administrator</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/approval_dialog.py" line="46"/>
        <source>{0}

Dit vraagt om vier ogen: een tweede beheerder logt nu in met eigen naam en wachtwoord om het goed te keuren. U kunt dat niet zelf doen.</source>
        <translation>{0}

This needs four eyes: a second administrator now logs in with their own name and password to approve it. You cannot do that yourself.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/approval_dialog.py" line="60"/>
        <source>&amp;Tweede beheerder</source>
        <translation>&amp;Second administrator</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/approval_dialog.py" line="62"/>
        <source>&amp;Wachtwoord</source>
        <translation>&amp;Password</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/approval_dialog.py" line="66"/>
        <source>&amp;Goedkeuren en uitvoeren</source>
        <translation>&amp;Approve and carry out</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/approval_dialog.py" line="67"/>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>AuditModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="75"/>
        <source>referentiegegevens</source>
        <translation>reference data</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="76"/>
        <source>cijfers</source>
        <translation>figures</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="68"/>
        <source>zaak</source>
        <translation>case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="69"/>
        <source>zoekopdracht</source>
        <translation>search</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="70"/>
        <source>gebruiker</source>
        <translation>user</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="71"/>
        <source>conflict</source>
        <translation>conflict</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="72"/>
        <source>auditlog</source>
        <translation>audit log</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="73"/>
        <source>database</source>
        <translation>database</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="74"/>
        <source>mediation</source>
        <translation>mediation</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="77"/>
        <source>rapport</source>
        <translation>report</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="78"/>
        <source>systeem</source>
        <translation>system</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="88"/>
        <source>Nr.</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="89"/>
        <source>Tijd</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="90"/>
        <source>Gebruiker</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="91"/>
        <source>Handeling</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="92"/>
        <source>Object</source>
        <translation>Object</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="93"/>
        <source>Resultaat</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="94"/>
        <source>Werkplek</source>
        <translation>Workstation</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="95"/>
        <source>Toelichting</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="99"/>
        <source>(sleutelhouder)</source>
        <translation>(key holder)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="107"/>
        <source>geweigerd</source>
        <translation>refused</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="109"/>
        <source>toegestaan</source>
        <translation>allowed</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="57"/>
        <source>zoektermen gewist</source>
        <translation>search terms erased</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="60"/>
        <source>zoektermen (GEWIJZIGD na het zoeken): {0}</source>
        <translation>search terms (CHANGED after the search): {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="63"/>
        <source>zoektermen: {0}</source>
        <translation>search terms: {0}</translation>
    </message>
</context>
<context>
    <name>AuditPanel</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="142"/>
        <source>Wie wat deed met welke zaak, wanneer en vanaf welke werkplek, ook elke geweigerde toegang. Het auditlog bevat alleen referenties, nooit de inhoud van dossiers. Ook het inzien van dit log wordt vastgelegd.</source>
        <translation>Who did what with which case, when and from which workstation, including every refused access. The audit log holds references only, never the contents of dossiers. Reading this log is recorded too.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="153"/>
        <source>bijvoorbeeld 2024-L2-00017</source>
        <translation>for example 2024-L2-00017</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="155"/>
        <source>Toon zaak</source>
        <translation>Show case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="157"/>
        <source>Per &amp;zaak (referentie)</source>
        <translation>&amp;By case (reference)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="163"/>
        <source>Toon gebruiker</source>
        <translation>Show user</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="165"/>
        <source>&amp;Per gebruiker</source>
        <translation>By u&amp;ser</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="167"/>
        <source>&amp;Laatste {0}</source>
        <translation>&amp;Latest {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="169"/>
        <source>Controleer de audit&amp;keten</source>
        <translation>Verify the aud&amp;it chain</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="236"/>
        <source>Vul de referentie van een zaak in.</source>
        <translation>Enter the reference of a case.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="242"/>
        <source>Auditlog van zaak {0}: {1} vermelding(en), nieuwste eerst.</source>
        <translation>Audit log of case {0}: {1} entry(ies), newest first.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="249"/>
        <source>Kies een gebruiker.</source>
        <translation>Choose a user.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="255"/>
        <source>Auditlog van gebruiker {0}: {1} vermelding(en), nieuwste eerst.</source>
        <translation>Audit log of user {0}: {1} entry(ies), newest first.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="263"/>
        <source>De laatste vermeldingen in het auditlog ({1}), nieuwste eerst.</source>
        <translation>The latest entries in the audit log ({1}), newest first.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="296"/>
        <source>De auditketen wordt gecontroleerd…</source>
        <translation>Verifying the audit chain…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="312"/>
        <source>Auditketen intact: {0} vermeldingen, de keten klopt.</source>
        <translation>Audit chain intact: {0} entries, the chain holds.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="317"/>
        <source>Kenmerk van de laatste vermelding: {0}</source>
        <translation>Hash of the last entry: {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/audit_view.py" line="321"/>
        <source>Auditketen NIET intact: {0}. Eerste foute vermelding: {1} (na {2} goede). Meld dit bij de functioneel beheerder: het log is buiten ikodesk om gewijzigd.</source>
        <translation>Audit chain NOT intact: {0}. First bad entry: {1} (after {2} good ones). Report this to the application administrator: the log was changed outside ikodesk.</translation>
    </message>
</context>
<context>
    <name>CandidatesModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="92"/>
        <source>(zoals ingevuld)</source>
        <translation>(as entered)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="93"/>
        <source>niet vergeleken</source>
        <translation>not compared</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="61"/>
        <source>Dossier</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="62"/>
        <source>Soort</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="63"/>
        <source>Rol in het dossier</source>
        <translation>Role in the dossier</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="64"/>
        <source>Naam</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="65"/>
        <source>Geboortedatum</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="66"/>
        <source>Waarom gevonden</source>
        <translation>Why found</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="75"/>
        <source>zaak</source>
        <translation>case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="77"/>
        <source>mediation</source>
        <translation>mediation</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="80"/>
        <source>verzoeker</source>
        <translation>requester</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="81"/>
        <source>andere ouder</source>
        <translation>other parent</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="82"/>
        <source>ouder (mediation)</source>
        <translation>parent (mediation)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="85"/>
        <source>zelfde naam en geboortedatum</source>
        <translation>same name and date of birth</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="87"/>
        <source>zelfde naam (geen geboortedatum om te vergelijken)</source>
        <translation>same name (no date of birth to compare)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="98"/>
        <source>onbekend</source>
        <translation>unknown</translation>
    </message>
</context>
<context>
    <name>CaseHeader</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="63"/>
        <source>&amp;Opslaan</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="66"/>
        <source>Zaak &amp;sluiten…</source>
        <translation>&amp;Close case…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="68"/>
        <source>&amp;Heropenen</source>
        <translation>&amp;Reopen</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="69"/>
        <source>Afdr&amp;ukken…</source>
        <translation>&amp;Print…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="71"/>
        <source>Het dossier als PDF opslaan (Ctrl+P)</source>
        <translation>Save the dossier as PDF (Ctrl+P)</translation>
    </message>
</context>
<context>
    <name>CaseListModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="50"/>
        <source>Referentie</source>
        <translation>Reference</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="52"/>
        <source>Conflict</source>
        <translation>Conflict</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="54"/>
        <source>Geopend</source>
        <translation>Opened</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="56"/>
        <source>Lijn</source>
        <translation>Line</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="57"/>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="59"/>
        <source>Hoofdbetrokkene</source>
        <translation>Requester</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="62"/>
        <source>Gevonden in</source>
        <translation>Found in</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="63"/>
        <source>Land</source>
        <translation>Country</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="64"/>
        <source>Kinderen</source>
        <translation>Children</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="67"/>
        <source>Behandelaar</source>
        <translation>Handler</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="72"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="84"/>
        <source>conflict</source>
        <translation>conflict</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="122"/>
        <source>hoofdbetrokkene</source>
        <translation>requester</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="123"/>
        <source>andere ouder</source>
        <translation>other parent</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="124"/>
        <source>kind</source>
        <translation>child</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="127"/>
        <source>voornaam</source>
        <translation>first name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="128"/>
        <source>achternaam</source>
        <translation>surname</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="129"/>
        <source>organisatie</source>
        <translation>organisation</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="134"/>
        <source>referentie</source>
        <translation>reference</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="410"/>
        <source>Op deze kolom kan niet worden gesorteerd.</source>
        <translation>This column cannot be sorted.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="439"/>
        <source>(niet meer beschikbaar)</source>
        <translation>(no longer available)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="195"/>
        <source>Afgeschermd dossier: u kunt dit dossier niet inzien (conflictzaak).</source>
        <translation>Walled dossier: you cannot view this dossier (conflict case).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="89"/>
        <source>afgeschermd dossier</source>
        <translation>walled dossier</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="112"/>
        <source>open</source>
        <translation>open</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_list.py" line="113"/>
        <source>gesloten {0}</source>
        <translation>closed {0}</translation>
    </message>
</context>
<context>
    <name>CaseProblems</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_problems.py" line="56"/>
        <source>Kind {0}: {1}</source>
        <translation>Child {0}: {1}</translation>
    </message>
</context>
<context>
    <name>CaseSection</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="94"/>
        <source>Zaak</source>
        <translation>Case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="105"/>
        <source>&amp;Land</source>
        <translation>&amp;Country</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="114"/>
        <source>&amp;Code</source>
        <translation>&amp;Code</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="116"/>
        <source>&amp;Behandelaar</source>
        <translation>&amp;Handler</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="115"/>
        <source>&amp;Geopend op</source>
        <translation>&amp;Opened on</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="118"/>
        <source>R&amp;ichting</source>
        <translation>D&amp;irection</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="119"/>
        <source>Meegenomen &amp;door</source>
        <translation>Taken &amp;by</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="120"/>
        <source>&amp;Wie verhuist</source>
        <translation>&amp;Who moves</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="148"/>
        <source>— kies een andere behandelaar —</source>
        <translation>— choose another handler —</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="188"/>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="189"/>
        <source>&amp;Land (ontvoering naar/van)</source>
        <translation>&amp;Country (abduction to/from)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="190"/>
        <source>&amp;Land (gevreesde ontvoering)</source>
        <translation>&amp;Country (feared abduction)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="191"/>
        <source>&amp;Land (verhuizing naar/van)</source>
        <translation>&amp;Country (move to/from)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="192"/>
        <source>&amp;Land (kind of ouder woont daar)</source>
        <translation>&amp;Country (child or parent lives there)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="193"/>
        <source>&amp;Land (reisbestemming)</source>
        <translation>&amp;Country (destination)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="195"/>
        <source>&amp;Land (optioneel)</source>
        <translation>&amp;Country (optional)</translation>
    </message>
</context>
<context>
    <name>CaseWindow</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_form.py" line="101"/>
        <source>Nieuwe zaak</source>
        <translation>New case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_form.py" line="101"/>
        <source>Zaak laden…</source>
        <translation>Loading case…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_form.py" line="339"/>
        <source>nieuwe zaak</source>
        <translation>new case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_form.py" line="341"/>
        <source>{0} — ikodesk</source>
        <translation>{0} — ikodesk</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_form.py" line="409"/>
        <source>Nog niet opgeslagen: 1 veld vraagt aandacht.</source>
        <translation>Not saved yet: 1 field needs attention.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_form.py" line="411"/>
        <source>Nog niet opgeslagen: {0} velden vragen aandacht.</source>
        <translation>Not saved yet: {0} fields need attention.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_form.py" line="451"/>
        <source>Opgeslagen als {0} en overgedragen. Deze zaak is voor u afgeschermd: u staat aan de andere kant van deze familie. Het venster is gesloten.</source>
        <translation>Saved as {0} and handed over. This case is walled off for you: you stand on the other side of this family. The window has closed.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_form.py" line="513"/>
        <source>Deze nieuwe zaak is nog niet opgeslagen.</source>
        <translation>This new case has not been saved yet.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_form.py" line="514"/>
        <source>De wijzigingen in zaak {0} zijn nog niet opgeslagen.</source>
        <translation>The changes to case {0} have not been saved yet.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_status.py" line="15"/>
        <source>nog niet opgeslagen</source>
        <translation>not saved yet</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_status.py" line="17"/>
        <source>open</source>
        <translation>open</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_status.py" line="18"/>
        <source>gesloten op {0} ({1})</source>
        <translation>closed on {0} ({1})</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_form.py" line="346"/>
        <source>Status: {0}</source>
        <translation>Status: {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_form.py" line="464"/>
        <source>Opgeslagen.</source>
        <translation>Saved.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_form.py" line="485"/>
        <source>Niet opgeslagen: kies een andere behandelaar.</source>
        <translation>Not saved: choose another handler.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_actions.py" line="58"/>
        <source>verplicht: de openingsdatum</source>
        <translation>required: the opening date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_actions.py" line="91"/>
        <location filename="../../src/ikodesk/ui/cases/case_actions.py" line="146"/>
        <source>Sla eerst de wijzigingen op (Ctrl+S).</source>
        <translation>Save the changes first (Ctrl+S).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_actions.py" line="151"/>
        <source>Dossier afdrukken als PDF</source>
        <translation>Print dossier as PDF</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_actions.py" line="153"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_actions.py" line="172"/>
        <source>Dossier opgeslagen als PDF: {0}</source>
        <translation>Dossier saved as PDF: {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_actions.py" line="192"/>
        <source>Kies een andere behandelaar: wie de andere kant van deze familie behandelt of heeft ingezien, kan deze zaak niet krijgen.</source>
        <translation>Choose another handler: whoever handles or has seen the other side of this family cannot get this case.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_actions.py" line="212"/>
        <source>De zaak {0} is nu voor u afgeschermd: u staat aan de andere kant van een (mogelijke) conflictzaak. Het venster is gesloten.</source>
        <translation>The case {0} is now walled off for you: you stand on the other side of a (possible) conflict case. The window has closed.</translation>
    </message>
</context>
<context>
    <name>CasesPage</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="49"/>
        <source>Zaken</source>
        <translation>Cases</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="56"/>
        <source>&amp;Nieuwe zaak (lijn 2)</source>
        <translation>&amp;New case (line 2)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="57"/>
        <source>Ctrl+Shift+L</source>
        <translation>Ctrl+Shift+L</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="66"/>
        <source>Zoeken op referentie, naam of naam van een kind (Ctrl+K)</source>
        <translation>Search by reference, name or a child&apos;s name (Ctrl+K)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="81"/>
        <source>Alle lijnen</source>
        <translation>All lines</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="82"/>
        <source>Lijn 1</source>
        <translation>Line 1</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="83"/>
        <source>Lijn 2</source>
        <translation>Line 2</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="86"/>
        <source>Alle codes</source>
        <translation>All codes</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="91"/>
        <source>Open en gesloten</source>
        <translation>Open and closed</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="92"/>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="93"/>
        <source>Gesloten</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="96"/>
        <source>Alle behandelaars</source>
        <translation>All handlers</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="99"/>
        <source>Alle jaren</source>
        <translation>All years</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="101"/>
        <source>&amp;Lijn</source>
        <translation>&amp;Line</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="102"/>
        <source>C&amp;ode</source>
        <translation>C&amp;ode</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="103"/>
        <source>S&amp;tatus</source>
        <translation>S&amp;tatus</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="104"/>
        <source>&amp;Behandelaar</source>
        <translation>&amp;Handler</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="105"/>
        <source>&amp;Jaar</source>
        <translation>&amp;Year</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="193"/>
        <source>{0} (inactief)</source>
        <translation>{0} (inactive)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="215"/>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="241"/>
        <source>laden…</source>
        <translation>loading…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="268"/>
        <source>{0} of meer zaken: verfijn de zoekopdracht</source>
        <translation>{0} or more cases: refine the search</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="271"/>
        <source>{0} zaken</source>
        <translation>{0} cases</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/cases_page.py" line="280"/>
        <source>Er is iets gevonden achter een conflictmuur: een dossier dat bij deze zoekopdracht past, maar voor u is afgeschermd. Gaat het om dezelfde familie, registreer haar dan niet opnieuw en overleg met de beheerder.</source>
        <translation>Something was found behind a conflict wall: a dossier that matches this search but is screened off for you. If it is the same family, do not register it again; consult the administrator.</translation>
    </message>
</context>
<context>
    <name>ChangesModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="41"/>
        <source>Cijfer</source>
        <translation>Figure</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="42"/>
        <source>Vastgesteld</source>
        <translation>Frozen</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="43"/>
        <source>Nu</source>
        <translation>Now</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="44"/>
        <source>Verschil</source>
        <translation>Difference</translation>
    </message>
</context>
<context>
    <name>ChildrenEditor</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/children_editor.py" line="266"/>
        <source>Kind &amp;toevoegen</source>
        <translation>Add &amp;child</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/children_editor.py" line="268"/>
        <source>Kind verwi&amp;jderen</source>
        <translation>Remo&amp;ve child</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/children_editor.py" line="284"/>
        <source>Kind {0}: {1}</source>
        <translation>Child {0}: {1}</translation>
    </message>
</context>
<context>
    <name>ChildrenModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/children_editor.py" line="73"/>
        <source>de openingsdatum</source>
        <translation>the opening date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/children_editor.py" line="81"/>
        <source>Voornaam</source>
        <translation>First name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/children_editor.py" line="82"/>
        <source>Achternaam</source>
        <translation>Last name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/children_editor.py" line="83"/>
        <source>Geboortedatum</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/children_editor.py" line="84"/>
        <source>Leeftijd</source>
        <translation>Age</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/children_editor.py" line="209"/>
        <source>dd-mm-jjjj, bijvoorbeeld 5-3-2017</source>
        <translation>dd-mm-yyyy, for example 5-3-2017</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/children_editor.py" line="150"/>
        <source>verwacht een getal</source>
        <translation>expected a number</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/children_editor.py" line="201"/>
        <source>{0} jaar</source>
        <translation>{0} years</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/children_editor.py" line="76"/>
        <source>Leeftijd op de openingsdatum; vul alleen in als de geboortedatum onbekend is</source>
        <translation>Age on the opening date; only fill in when the date of birth is unknown</translation>
    </message>
</context>
<context>
    <name>ChildrenSection</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="370"/>
        <source>Kinderen</source>
        <translation>Children</translation>
    </message>
</context>
<context>
    <name>ClockSection</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_clocks.py" line="59"/>
        <source>Termijnen (HKOV en Brussel IIb)</source>
        <translation>Deadlines (Hague 1980 and Brussels IIb)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_clocks.py" line="75"/>
        <source>Datu&amp;m ontvoering / vasthouden</source>
        <translation>Date of re&amp;moval / retention</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_clocks.py" line="76"/>
        <source>Procedure gestart op</source>
        <translation>Proceedings started on</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_clocks.py" line="77"/>
        <source>Beslissing eerste aanleg</source>
        <translation>First-instance decision</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_clocks.py" line="78"/>
        <source>Hoger beroep behandelbaar op</source>
        <translation>Appeal ready for examination on</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_clocks.py" line="129"/>
        <source>ongeldige datum (dd-mm-jjjj)</source>
        <translation>invalid date (dd-mm-yyyy)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_clocks.py" line="164"/>
        <source>De zaak is gesloten: geen lopende termijnen.</source>
        <translation>The case is closed: no running deadlines.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_clocks.py" line="168"/>
        <source>Geen lopende termijnen. Vul de datum van de ontvoering of van de procedure in om ze te zien.</source>
        <translation>No running deadlines. Enter the date of the removal or of the proceedings to see them.</translation>
    </message>
</context>
<context>
    <name>Clocks</name>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="28"/>
        <source>nog {0} dagen</source>
        <translation>{0} days left</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="30"/>
        <source>morgen</source>
        <translation>tomorrow</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="32"/>
        <source>vandaag</source>
        <translation>today</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="34"/>
        <source>1 dag verlopen</source>
        <translation>1 day overdue</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="35"/>
        <source>{0} dagen verlopen</source>
        <translation>{0} days overdue</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="42"/>
        <source>kind {0}</source>
        <translation>child {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="54"/>
        <source>Het Haags Kinderontvoeringsverdrag gold op {0} tussen Nederland en {1} (sinds {2}).</source>
        <translation>The Hague Child Abduction Convention applied between the Netherlands and {1} on {0} (since {2}).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="60"/>
        <source>{0} is tot het Verdrag toegetreden; het geldt met Nederland pas vanaf de eerste dag van de derde kalendermaand na de aanvaarding door Nederland (art. 38), en die datum is niet vastgelegd.</source>
        <translation>{0} acceded to the Convention; it applies in relation to the Netherlands only from the first day of the third calendar month after the Netherlands&apos; acceptance (Art. 38), and that date has not been recorded.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="66"/>
        <source>Een beheerder kan de datum van neerlegging vastleggen onder Beheer › Referentiegegevens › Land wijzigen (aanvaarding door Nederland, met bron).</source>
        <translation>An administrator can record the date of deposit under Administration › Reference data › Change country (acceptance by the Netherlands, with source).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="75"/>
        <source>Een beheerder kan die datum vastleggen onder Beheer › Referentiegegevens › Land wijzigen (met bron).</source>
        <translation>An administrator can record that date under Administration › Reference data › Change country (with source).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="80"/>
        <source>Niet vast te stellen of het Haags Kinderontvoeringsverdrag op {0} gold tussen Nederland en {1}: {2} {3}</source>
        <translation>It cannot be established whether the Hague Child Abduction Convention applied between the Netherlands and {1} on {0}: {2} {3}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="72"/>
        <source>de datum waarop het Verdrag voor {0} in werking trad, is niet bekend.</source>
        <translation>the date the Convention entered into force for {0} is not known.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="86"/>
        <source>{0} is geen partij bij het Haags Kinderontvoeringsverdrag.</source>
        <translation>{0} is not a party to the Hague Child Abduction Convention.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="90"/>
        <source>op {0} gold het Haags Kinderontvoeringsverdrag nog niet voor Nederland (pas vanaf {1}).</source>
        <translation>on {0} the Hague Child Abduction Convention did not yet apply to the Netherlands (only from {1}).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="96"/>
        <source>op {0} gold het Haags Kinderontvoeringsverdrag nog niet voor {1} (pas vanaf {2}).</source>
        <translation>on {0} the Hague Child Abduction Convention did not yet apply to {1} (only from {2}).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="101"/>
        <source>op {0} gold het Haags Kinderontvoeringsverdrag nog niet tussen Nederland en {1}: {1} is toegetreden en de aanvaarding door Nederland werkt pas vanaf {2} (art. 38).</source>
        <translation>on {0} the Hague Child Abduction Convention did not yet apply between the Netherlands and {1}: {1} acceded and the Netherlands&apos; acceptance takes effect only from {2} (Art. 38).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="106"/>
        <source>Let op: {0} Het Verdrag is niet van toepassing op deze ontvoering (art. 35).</source>
        <translation>Note: {0} The Convention does not apply to this removal (Art. 35).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="122"/>
        <source>1 termijn binnen 7 dagen</source>
        <translation>1 deadline within 7 days</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/clock_texts.py" line="123"/>
        <source>{0} termijnen binnen 7 dagen</source>
        <translation>{0} deadlines within 7 days</translation>
    </message>
</context>
<context>
    <name>CloseDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/close_dialog.py" line="20"/>
        <source>Zaak sluiten</source>
        <translation>Close case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/close_dialog.py" line="22"/>
        <source>de openingsdatum</source>
        <translation>the opening date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/close_dialog.py" line="32"/>
        <source>&amp;Sluitdatum</source>
        <translation>&amp;Closing date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/close_dialog.py" line="34"/>
        <source>&amp;Reden</source>
        <translation>&amp;Reason</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/close_dialog.py" line="36"/>
        <source>Zaak &amp;sluiten</source>
        <translation>&amp;Close case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/close_dialog.py" line="38"/>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/close_dialog.py" line="54"/>
        <source>verplicht: de sluitdatum</source>
        <translation>required: the closing date</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/concurrent.py" line="67"/>
        <source>Vergelijken</source>
        <translation>Compare</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/concurrent.py" line="70"/>
        <source>Wat nu is opgeslagen, en wat u had ingevuld (niet opgeslagen):</source>
        <translation>What is stored now, and what you had entered (not saved):</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/concurrent.py" line="76"/>
        <source>Veld</source>
        <translation>Field</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/concurrent.py" line="76"/>
        <source>Opgeslagen</source>
        <translation>Stored</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/concurrent.py" line="76"/>
        <source>Uw invoer</source>
        <translation>Your input</translation>
    </message>
</context>
<context>
    <name>ConflictBadge</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflict_badge.py" line="20"/>
        <source>conflictzaak</source>
        <translation>conflict case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflict_badge.py" line="24"/>
        <source>Conflictzaak: de andere ouder van dezelfde familie vraagt ook advies. De twee dossiers worden door verschillende behandelaars behandeld en zijn voor elkaar afgeschermd.</source>
        <translation>Conflict case: the other parent of the same family is asking for advice too. The two dossiers are handled by different handlers and are screened off from each other.</translation>
    </message>
</context>
<context>
    <name>ConflictsModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="53"/>
        <source>Zaak</source>
        <translation>Case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="54"/>
        <source>Andere zaak</source>
        <translation>Other case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="55"/>
        <source>Gevonden</source>
        <translation>Found</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="56"/>
        <source>Let op</source>
        <translation>Attention</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="57"/>
        <source>Reden</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="64"/>
        <source>overdracht nodig</source>
        <translation>handover needed</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="66"/>
        <source>iemand zag beide kanten</source>
        <translation>someone saw both sides</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="91"/>
        <source>Overdracht nodig: de behandelaar van een van beide zaken staat aan de andere kant van de muur (bijvoorbeeld na een import). Wijs de zaak toe aan een andere behandelaar.</source>
        <translation>Handover needed: the handler of one of the two cases stands on the other side of the wall (after an import, for example). Assign the case to another handler.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="100"/>
        <source>Iemand heeft beide dossiers ingezien voordat het conflict bekend was. Die persoon blijft aan de kant die hij of zij het eerst zag.</source>
        <translation>Someone read both dossiers before the conflict was known. That person stays on the side they saw first.</translation>
    </message>
</context>
<context>
    <name>ConflictsPage</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="416"/>
        <source>Conflictzaken</source>
        <translation>Conflict cases</translation>
    </message>
</context>
<context>
    <name>ConflictsPanel</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="150"/>
        <source>Zaken van dezelfde familie waarin beide ouders advies vragen. Ze worden automatisch gevonden en afgeschermd: wie de ene zaak behandelt of heeft ingezien, kan de andere niet openen. Hier staan alleen de referenties, nooit de inhoud van de dossiers.</source>
        <translation>Cases of one family in which both parents ask for advice. They are found and screened off automatically: whoever handles or has read one case cannot open the other. Only the references are shown here, never the contents of the dossiers.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="159"/>
        <source>Conflictzaken</source>
        <translation>Conflict cases</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="178"/>
        <source>Te beoordelen</source>
        <translation>To review</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="182"/>
        <source>Zwakke overeenkomsten (bijvoorbeeld alleen namen, geen geboortedata). Tot u beslist staat er een voorlopige muur: wie de ene zaak behandelt of heeft ingezien, kan de andere niet openen. Bevestig als het om dezelfde familie gaat: de muur blijft dan staan, en dat kan niet ongedaan worden gemaakt. Wijs af als het niet zo is: dan gaat de voorlopige muur weg.</source>
        <translation>Weak matches (for example names only, no dates of birth). Until you decide, a provisional wall is up: whoever handles or has opened one case cannot open the other. Confirm if it is the same family: the wall then stays, and that cannot be undone. Dismiss if it is not: the provisional wall is then lifted.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="198"/>
        <source>Be&amp;vestigen: zelfde familie…</source>
        <translation>C&amp;onfirm: same family…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="200"/>
        <source>A&amp;fwijzen: geen zelfde familie…</source>
        <translation>Di&amp;smiss: not the same family…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="215"/>
        <source>Ver&amp;nieuwen</source>
        <translation>R&amp;efresh</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="249"/>
        <source>Conflictzaken ({0})</source>
        <translation>Conflict cases ({0})</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="252"/>
        <source>Te beoordelen ({0})</source>
        <translation>To review ({0})</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="256"/>
        <source>Niets te beoordelen.</source>
        <translation>Nothing to review.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="271"/>
        <source>{0} en {1}: {2}.</source>
        <translation>{0} and {1}: {2}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="305"/>
        <source>Conflictzaak bevestigen</source>
        <translation>Confirm conflict case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="307"/>
        <source>Horen {0} en {1} bij dezelfde familie? Na bevestigen zijn de twee zaken een conflictzaak: de voorlopige muur blijft staan, wie de ene behandelt of heeft ingezien, kan de andere niet openen. Dit kan niet ongedaan worden gemaakt.</source>
        <translation>Do {0} and {1} belong to the same family? After confirming, the two cases are a conflict case: the provisional wall stays, and whoever handles or has opened one cannot open the other. This cannot be undone.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="322"/>
        <source>Overeenkomst afwijzen</source>
        <translation>Dismiss match</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="324"/>
        <source>Horen {0} en {1} niet bij dezelfde familie? Na afwijzen verdwijnt de overeenkomst van de lijst en gaat de voorlopige muur weg: beide zaken zijn dan weer voor iedereen met toegang te openen. Alleen een sterke overeenkomst maakt er later nog een conflictzaak van.</source>
        <translation>Do {0} and {1} not belong to the same family? After dismissing, the match leaves the list and the provisional wall is lifted: both cases open again for everyone with access. Only a strong match can make a conflict case of them later.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="352"/>
        <source>Bevestigd: {0} en {1} zijn een conflictzaak (afgeschermd).</source>
        <translation>Confirmed: {0} and {1} are a conflict case (screened off).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="357"/>
        <source>Afgewezen: {0} en {1} zijn geen zelfde familie; de voorlopige muur is weg.</source>
        <translation>Dismissed: {0} and {1} are not the same family; the provisional wall is lifted.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="378"/>
        <source>Afwijzen: {0} en {1} zijn geen zelfde familie; de voorlopige muur gaat weg.</source>
        <translation>Dismiss: {0} and {1} are not the same family; the provisional wall will be lifted.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="277"/>
        <source>Voorlopige muur: beide zaken zijn van elkaar afgeschermd tot u beslist.</source>
        <translation>Provisional wall: the two cases are screened off from each other until you decide.</translation>
    </message>
</context>
<context>
    <name>ContactDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="186"/>
        <source>Nieuw contactmoment — {0}</source>
        <translation>New contact — {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="190"/>
        <source>de openingsdatum</source>
        <translation>the opening date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="210"/>
        <source>onbekend</source>
        <translation>unknown</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="211"/>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="215"/>
        <source>korte samenvatting (Ctrl+Enter slaat op)</source>
        <translation>short summary (Ctrl+Enter saves)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="217"/>
        <source>&amp;Datum</source>
        <translation>&amp;Date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="218"/>
        <source>&amp;Tijd</source>
        <translation>&amp;Time</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="219"/>
        <source>&amp;Kanaal</source>
        <translation>&amp;Channel</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="220"/>
        <source>&amp;Met</source>
        <translation>&amp;With</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="221"/>
        <source>M&amp;inuten</source>
        <translation>M&amp;inutes</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="222"/>
        <source>&amp;Samenvatting</source>
        <translation>&amp;Summary</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="232"/>
        <source>&amp;Opslaan</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="235"/>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="260"/>
        <source>verplicht: de datum van het contact</source>
        <translation>required: the date of the contact</translation>
    </message>
</context>
<context>
    <name>ContactTimelineModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="64"/>
        <source>Datum en tijd</source>
        <translation>Date and time</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="65"/>
        <source>Kanaal</source>
        <translation>Channel</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="66"/>
        <source>Met</source>
        <translation>With</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="67"/>
        <source>Behandelaar</source>
        <translation>Handler</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="68"/>
        <source>Minuten</source>
        <translation>Minutes</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="69"/>
        <source>Samenvatting</source>
        <translation>Summary</translation>
    </message>
</context>
<context>
    <name>ContactsPanel</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="98"/>
        <source>Contactmomenten</source>
        <translation>Contacts</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="100"/>
        <source>&amp;Nieuw contactmoment (Ctrl+Shift+N)</source>
        <translation>&amp;New contact (Ctrl+Shift+N)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/contacts.py" line="160"/>
        <source>{0} contactmoment(en)</source>
        <translation>{0} contact(s)</translation>
    </message>
</context>
<context>
    <name>CountriesModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="55"/>
        <source>Land</source>
        <translation>Country</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="56"/>
        <source>ISO</source>
        <translation>ISO</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="57"/>
        <source>HKOV 1980</source>
        <translation>Hague 1980</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="58"/>
        <source>In werking sinds</source>
        <translation>In force since</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="59"/>
        <source>EU</source>
        <translation>EU</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="60"/>
        <source>Aanvaarding NL (art. 38)</source>
        <translation>NL acceptance (Art. 38)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="61"/>
        <source>Bron</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="65"/>
        <source>ja</source>
        <translation>yes</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="66"/>
        <source>nee</source>
        <translation>no</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="71"/>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="112"/>
        <source>onbekend</source>
        <translation>unknown</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="90"/>
        <source>Toegetreden staat: het Verdrag geldt met Nederland pas vanaf de eerste dag van de derde kalendermaand na de aanvaarding door Nederland. Zolang die datum onbekend is, kan ikodesk niet zeggen of het Verdrag gold op de datum van een ontvoering.</source>
        <translation>Acceding state: the Convention applies in relation to the Netherlands only from the first day of the third calendar month after the Netherlands&apos; acceptance. As long as that date is unknown, ikodesk cannot say whether the Convention applied on the date of an abduction.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="113"/>
        <source>neergelegd {0}</source>
        <translation>deposited {0}</translation>
    </message>
</context>
<context>
    <name>CountriesTab</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="244"/>
        <source>Landen met hun status onder het Haags Kinderontvoeringsverdrag 1980 (HKOV) en de datum van inwerkingtreding in verhouding tot Nederland. Deze gegevens bepalen de HKOV-indicatie in zaken en rapportages. Voor een staat die is toegetreden, geldt het Verdrag met Nederland pas na de aanvaarding door Nederland (art. 38): leg die datum vast, anders blijft de toets in het dossier &quot;onbekend&quot;. Wijzig een land met Enter of dubbelklik; elke wijziging vraagt een bron en komt in de auditlog.</source>
        <translation>Countries with their status under the 1980 Hague Child Abduction Convention (Hague 1980) and the date of entry into force in relation to the Netherlands. These data determine the Hague 1980 indication in cases and reports. For a state that has acceded, the Convention applies in relation to the Netherlands only after the Netherlands&apos; acceptance (Art. 38): record that date, otherwise the check in the dossier stays &quot;unknown&quot;. Change a country with Enter or a double-click; every change asks for a source and goes into the audit log.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="257"/>
        <source>filter op naam of ISO-code</source>
        <translation>filter by name or ISO code</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="264"/>
        <source>Land &amp;wijzigen…</source>
        <translation>&amp;Change country…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="303"/>
        <source>{0} is bijgewerkt.</source>
        <translation>{0} has been updated.</translation>
    </message>
</context>
<context>
    <name>CountryDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="128"/>
        <source>Land wijzigen — {0}</source>
        <translation>Change country — {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="132"/>
        <source>&amp;Verdragsland onder het HKOV 1980</source>
        <translation>&amp;Party to the 1980 Hague Convention</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="138"/>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="147"/>
        <source>leeg: onbekend</source>
        <translation>empty: unknown</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="140"/>
        <source>&amp;Toegetreden (art. 38): geldt met Nederland pas na aanvaarding door Nederland</source>
        <translation>&amp;Acceded (Art. 38): applies in relation to the Netherlands only after acceptance by the Netherlands</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="152"/>
        <source>&amp;Lid van de Europese Unie</source>
        <translation>&amp;Member of the European Union</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="158"/>
        <source>bijv. HCCH-statustabel, geraadpleegd {0}</source>
        <translation>e.g. HCCH status table, consulted {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="161"/>
        <source>&amp;In werking sinds</source>
        <translation>&amp;In force since</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="165"/>
        <source>&amp;Aanvaarding door Nederland
(neergelegd op)</source>
        <translation>Acceptance by the &amp;Netherlands
(deposited on)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="170"/>
        <source>&amp;Bron van deze wijziging *</source>
        <translation>&amp;Source of this change *</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="174"/>
        <source>Bron tot nu toe: {0}</source>
        <translation>Source so far: {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="174"/>
        <source>geen</source>
        <translation>none</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="181"/>
        <source>&amp;Opslaan</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="181"/>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="203"/>
        <source>Onbekend: zolang deze datum ontbreekt, zegt het dossier bij een ontvoering van of naar {0} dat niet vastgesteld kan worden of het Verdrag gold.</source>
        <translation>Unknown: as long as this date is missing, for an abduction from or to {0} the dossier says that it cannot be established whether the Convention applied.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/countries_tab.py" line="208"/>
        <source>Het Verdrag geldt dan tussen Nederland en {0} vanaf {1} (eerste dag van de derde kalendermaand na de neerlegging, art. 38).</source>
        <translation>The Convention then applies between the Netherlands and {0} from {1} (first day of the third calendar month after the deposit, Art. 38).</translation>
    </message>
</context>
<context>
    <name>CountryField</name>
    <message>
        <location filename="../../src/ikodesk/ui/common/country_field.py" line="64"/>
        <source>begin te typen: Polen, Turkije, VS, …</source>
        <translation>start typing: Poland, Turkey, USA, …</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/country_field.py" line="119"/>
        <source>{0} kan hier niet: vul het andere land in</source>
        <translation>{0} is not possible here: enter the other country</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/country_field.py" line="123"/>
        <source>meerdere landen passen ({0}): kies er een uit de lijst</source>
        <translation>several countries fit ({0}): choose one from the list</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/country_field.py" line="126"/>
        <source>onbekend land: kies een land uit de lijst</source>
        <translation>unknown country: choose a country from the list</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/country_field.py" line="259"/>
        <source> sinds {0}</source>
        <translation> since {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/country_field.py" line="260"/>
        <source>HKOV-land{0}</source>
        <translation>Hague country{0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/country_field.py" line="263"/>
        <source>nog geen HKOV-land op {0}</source>
        <translation>not yet a Hague country on {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/country_field.py" line="266"/>
        <source>geen HKOV-land</source>
        <translation>not a Hague country</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/country_field.py" line="269"/>
        <source> · EU</source>
        <translation> · EU</translation>
    </message>
</context>
<context>
    <name>CuratorDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="98"/>
        <source>Bijzondere curator</source>
        <translation>Special curator</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="98"/>
        <source>&amp;Registreren</source>
        <translation>Re&amp;gister</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="102"/>
        <source>&amp;Benoemd op</source>
        <translation>&amp;Appointed on</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="105"/>
        <source>Maak de datum leeg om de benoeming in te trekken.</source>
        <translation>Clear the date to withdraw the appointment.</translation>
    </message>
</context>
<context>
    <name>DatabaseCheckBox</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/db_check.py" line="16"/>
        <source>Controle</source>
        <translation>Check</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/db_check.py" line="21"/>
        <source>Controleert elke pagina van het bestand (versleuteling), de structuur van de database en de hashketen van het auditlog. Dit kan bij een grote database even duren.</source>
        <translation>Checks every page of the file (encryption), the structure of the database and the hash chain of the audit log. With a large database this can take a while.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/db_check.py" line="29"/>
        <source>Database &amp;controleren</source>
        <translation>&amp;Check database</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/db_check.py" line="43"/>
        <source>De database wordt gecontroleerd…</source>
        <translation>Checking the database…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/db_check.py" line="60"/>
        <source>De controle is niet gelukt.</source>
        <translation>The check failed.</translation>
    </message>
</context>
<context>
    <name>DatabaseTab</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="43"/>
        <source>Database</source>
        <translation>Database</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="46"/>
        <source>geen: iedere gebruiker logt in op de kantoorserver</source>
        <translation>none: every user logs in to the office server</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="47"/>
        <source>TLS naar de kantoorserver; de server bewaakt rechten en muren</source>
        <translation>TLS to the office server; the server guards rights and walls</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="49"/>
        <source>sleutelbos van het besturingssysteem (met herstelsleutel)</source>
        <translation>operating system keyring (with recovery key)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="52"/>
        <source>wachtwoordzin</source>
        <translation>passphrase</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="66"/>
        <source>Back-up</source>
        <translation>Backup</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="69"/>
        <source>Een back-up is een versleutelde kopie met dezelfde sleutel als de database.</source>
        <translation>A backup is an encrypted copy with the same key as the database.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="76"/>
        <source>Bladeren…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="78"/>
        <source>&amp;Nu back-up maken</source>
        <translation>&amp;Back up now</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="99"/>
        <source>Op de kantoorserver maakt de beheerder van de server back-ups (pg_dump, zie docs/server.md).</source>
        <translation>On the office server, the server&apos;s administrator makes backups (pg_dump, see docs/server.md).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="104"/>
        <source>Instellingen voor alle werkplekken</source>
        <translation>Settings for all workstations</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="112"/>
        <source> minuten</source>
        <translation> minutes</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="114"/>
        <source>Op&amp;slaan</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="120"/>
        <source>&amp;Vergrendelen na</source>
        <translation>&amp;Lock after</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="137"/>
        <source>Back-up opslaan</source>
        <translation>Save backup</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="137"/>
        <source>Database (*.db)</source>
        <translation>Database (*.db)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="149"/>
        <source>Back-up wordt gemaakt…</source>
        <translation>Making the backup…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="55"/>
        <source>Locatie</source>
        <translation>Location</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="56"/>
        <source>Sleutel</source>
        <translation>Key</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="57"/>
        <source>Versleuteling</source>
        <translation>Encryption</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="50"/>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="53"/>
        <source>SQLCipher 4 (AES-256)</source>
        <translation>SQLCipher 4 (AES-256)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="58"/>
        <source>Schemaversie</source>
        <translation>Schema version</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="59"/>
        <source>Database-id</source>
        <translation>Database id</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="145"/>
        <source>Kies een bestand voor de back-up.</source>
        <translation>Choose a file for the backup.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="163"/>
        <source>De back-up is niet gelukt.</source>
        <translation>The backup failed.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="155"/>
        <source>Back-up gemaakt: {0}</source>
        <translation>Backup made: {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_database.py" line="181"/>
        <source>Opgeslagen: vergrendelen na {0} minuten zonder invoer.</source>
        <translation>Saved: lock after {0} minutes without input.</translation>
    </message>
</context>
<context>
    <name>DateField</name>
    <message>
        <location filename="../../src/ikodesk/ui/common/date_field.py" line="59"/>
        <source>dd-mm-jjjj of v</source>
        <translation>dd-mm-yyyy or v</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/date_field.py" line="64"/>
        <source>Bijvoorbeeld 5-3-2024, 05.03.2024 of 05032024; v is vandaag.</source>
        <translation>For example 5-3-2024, 05.03.2024 or 05032024; v is today.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/date_text.py" line="62"/>
        <source>typ het jaar met vier cijfers, bijvoorbeeld 05-03-2024</source>
        <translation>type the year in four digits, for example 05-03-2024</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/date_text.py" line="66"/>
        <source>zonder streepjes twee cijfers voor dag en maand (05032024), of typ 5-3-2024</source>
        <translation>without dashes, two digits for day and month (05032024), or type 5-3-2024</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/date_text.py" line="72"/>
        <source>geen datum: typ dd-mm-jjjj (bijvoorbeeld 05-03-2024) of v voor vandaag</source>
        <translation>no date: type dd-mm-yyyy (for example 05-03-2024) or v for today</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/date_text.py" line="80"/>
        <source>jaar 0 bestaat niet</source>
        <translation>year 0 does not exist</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/date_text.py" line="83"/>
        <source>maand {0} bestaat niet (1 tot en met 12)</source>
        <translation>month {0} does not exist (1 to 12)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/date_text.py" line="88"/>
        <source>dag {0} bestaat niet: deze maand heeft {1} dagen</source>
        <translation>day {0} does not exist: this month has {1} days</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/date_text.py" line="113"/>
        <source>{0} ligt vóór {1} {2}</source>
        <translation>{0} is before {1} {2}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/date_text.py" line="117"/>
        <source>{0} ligt vóór {1}: dat kan niet kloppen</source>
        <translation>{0} is before {1}: that cannot be right</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/date_text.py" line="121"/>
        <source>{0} ligt in de toekomst</source>
        <translation>{0} is in the future</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/date_text.py" line="123"/>
        <source>{0} ligt na {1} {2}</source>
        <translation>{0} is after {1} {2}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/date_text.py" line="127"/>
        <source>{0} ligt na {1}: dat kan niet kloppen</source>
        <translation>{0} is after {1}: that cannot be right</translation>
    </message>
</context>
<context>
    <name>DeadlinesModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="43"/>
        <source>Vervalt op</source>
        <translation>Due on</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="44"/>
        <source>Nog</source>
        <translation>Left</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="45"/>
        <source>Zaak</source>
        <translation>Case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="46"/>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="47"/>
        <source>Land</source>
        <translation>Country</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="48"/>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="86"/>
        <source>Termijn</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="49"/>
        <source>Kind</source>
        <translation>Child</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="87"/>
        <source>Verlopen</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="88"/>
        <source>Binnen 7 dagen</source>
        <translation>Within 7 days</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="89"/>
        <source>Binnen 30 dagen</source>
        <translation>Within 30 days</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="90"/>
        <source>Lopend</source>
        <translation>Running</translation>
    </message>
</context>
<context>
    <name>DeadlinesPage</name>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="111"/>
        <source>Termijnen</source>
        <translation>Deadlines</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="114"/>
        <source>Binnen 60 dagen en verlopen</source>
        <translation>Within 60 days and overdue</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="115"/>
        <source>Alle lopende termijnen</source>
        <translation>All running deadlines</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="128"/>
        <source>Lopende termijnen van alle open zaken, geteld per termijn. Management ziet geen zaken, alleen aantallen.</source>
        <translation>Running deadlines of all open cases, counted per deadline. Management sees no cases, only counts.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="138"/>
        <source>De lopende termijnen van uw open zaken, de eerstvolgende eerst: oranje binnen 30 dagen, rood binnen 7 dagen en verlopen. Enter of dubbelklik opent de zaak.</source>
        <translation>The running deadlines of your open cases, the next one first: amber within 30 days, red within 7 days and overdue. Enter or a double click opens the case.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="194"/>
        <source>Geen lopende termijnen in deze selectie.</source>
        <translation>No running deadlines in this selection.</translation>
    </message>
</context>
<context>
    <name>DestructionTab</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="389"/>
        <source>Persoonsgegevens verwijderen na de bewaartermijn</source>
        <translation>Delete personal data after the retention period</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="393"/>
        <source>Van gesloten zaken waarvan de bewaartermijn op de peildatum is verstreken (en zonder bewaarplicht) worden namen, geboortedata, telefoon, e-mail, samenvattingen, notities en zoekgegevens onherroepelijk verwijderd. Code, data, land, kanten, leeftijden van kinderen, kanalen en minuten blijven: de jaarcijfers veranderen niet. Een tweede beheerder keurt de run goed.</source>
        <translation>From closed cases whose retention period has expired by the reference date (and that have no legal hold), names, dates of birth, telephone numbers, e-mail addresses, summaries, notes and search data are irrevocably deleted. Code, dates, country, sides, children&apos;s ages, channels and minutes remain: the annual figures do not change. A second administrator approves the run.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="403"/>
        <source>&amp;Peildatum</source>
        <translation>&amp;Reference date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="410"/>
        <source>&amp;Voorbeeld tonen</source>
        <translation>Show pre&amp;view</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="413"/>
        <source>Persoonsgegevens &amp;verwijderen…</source>
        <translation>&amp;Delete personal data…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="432"/>
        <source>Vernietigingsregister</source>
        <translation>Destruction register</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="440"/>
        <source>Register &amp;afdrukken als PDF…</source>
        <translation>&amp;Print register as PDF…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="463"/>
        <source>Peildatum</source>
        <translation>Reference date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="463"/>
        <source>Vul een geldige peildatum in.</source>
        <translation>Enter a valid reference date.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="477"/>
        <source>Op {0}: {1} en {2} te verwijderen</source>
        <translation>On {0}: {1} and {2} to be removed</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="490"/>
        <source>Let op: {0} nog niet bevestigd; de run bevestigt ze.</source>
        <translation>Note: {0} not yet confirmed; the run confirms them.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="506"/>
        <source>Van {0} en {1} worden de persoonsgegevens onherroepelijk verwijderd (peildatum {2}). Een tweede beheerder logt hier in om dit goed te keuren.</source>
        <translation>The personal data of {0} and {1} will be removed irrevocably (reference date {2}). A second administrator logs in here to approve this.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="531"/>
        <source>Persoonsgegevens verwijderd: {0}, {1} (run {2}).</source>
        <translation>Personal data removed: {0}, {1} (run {2}).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="482"/>
        <source>{0} met bewaarplicht blijven</source>
        <translation>{0} with a legal hold remain</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="484"/>
        <source>{0} bewaarde zoektermen van voor {1}</source>
        <translation>{0} stored search terms from before {1}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="501"/>
        <source>Goedkeuring door een tweede beheerder</source>
        <translation>Approval by a second administrator</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="501"/>
        <source>&amp;Verwijderen</source>
        <translation>&amp;Delete</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="518"/>
        <source>&amp;Tweede beheerder</source>
        <translation>&amp;Second administrator</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="519"/>
        <source>&amp;Wachtwoord</source>
        <translation>&amp;Password</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="539"/>
        <source>Run {0} uitgevoerd, goedgekeurd door {1}.</source>
        <translation>Run {0} carried out, approved by {1}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="562"/>
        <source>Vernietigingsregister opslaan</source>
        <translation>Save destruction register</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="564"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="576"/>
        <source>Register opgeslagen: {0}</source>
        <translation>Register saved: {0}</translation>
    </message>
</context>
<context>
    <name>DueModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="114"/>
        <source>Kenmerk</source>
        <translation>Reference</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="115"/>
        <source>Soort</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="116"/>
        <source>Gesloten</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="117"/>
        <source>Verwijderbaar vanaf</source>
        <translation>Deletable from</translation>
    </message>
</context>
<context>
    <name>DueSoonLine</name>
    <message>
        <location filename="../../src/ikodesk/ui/deadlines/deadlines_page.py" line="247"/>
        <source>Open de pagina Termijnen</source>
        <translation>Open the Deadlines page</translation>
    </message>
</context>
<context>
    <name>EditorWindow</name>
    <message>
        <location filename="../../src/ikodesk/ui/common/editor_window.py" line="55"/>
        <source>Niet-opgeslagen wijzigingen</source>
        <translation>Unsaved changes</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/editor_window.py" line="65"/>
        <source>Opslaan bewaart ze en sluit het venster (of toont wat nog aandacht vraagt); Verwerpen sluit zonder op te slaan; Annuleren gaat terug naar het formulier.</source>
        <translation>Save keeps them and closes the window (or shows what still needs attention); Discard closes without saving; Cancel goes back to the form.</translation>
    </message>
</context>
<context>
    <name>FamilyNoticeBar</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_guard.py" line="52"/>
        <source>Zaak &amp;openen</source>
        <translation>&amp;Open case</translation>
    </message>
</context>
<context>
    <name>FiguresModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/reports/figures_view.py" line="91"/>
        <source>Cijfer</source>
        <translation>Figure</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/figures_view.py" line="98"/>
        <source>Verschil</source>
        <translation>Change</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="419"/>
        <source>ikodesk: eerste start</source>
        <translation>ikodesk: first start</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="434"/>
        <source>&amp;Volgende &gt;</source>
        <translation>&amp;Next &gt;</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="435"/>
        <source>&lt; &amp;Vorige</source>
        <translation>&lt; &amp;Back</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="436"/>
        <source>&amp;Voltooien</source>
        <translation>&amp;Finish</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="437"/>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>FreezePanel</name>
    <message>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="79"/>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="127"/>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="130"/>
        <source>Jaar vast&amp;stellen…</source>
        <translation>Free&amp;ze year…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="83"/>
        <source>De cijfers van dit jaar uit de registratie vastleggen als gepubliceerde cijfers</source>
        <translation>Store this year&apos;s figures from the records as its published figures</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="104"/>
        <source>Gegevens over {0} worden opgehaald…</source>
        <translation>Fetching the data of {0}…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="119"/>
        <source>De cijfers van {0} zijn vastgesteld op {1} door {2}.</source>
        <translation>The figures of {0} were frozen on {1} by {2}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="122"/>
        <source>Opnieuw vast&amp;stellen…</source>
        <translation>Free&amp;ze again…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="125"/>
        <source>{0} heeft {1} gepubliceerde cijfers uit eerdere jaarverslagen; die gaan voor.</source>
        <translation>{0} has {1} published figures from earlier annual reports; they come first.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="129"/>
        <source>{0} is niet vastgesteld.</source>
        <translation>{0} is not frozen.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="134"/>
        <source>De registratie is volledig vanaf {0}: de registratie telt voor dit jaar niet mee.</source>
        <translation>The records are complete from {0}: the records do not count for this year.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="143"/>
        <source>Sinds de vaststelling veranderd door late registraties en correcties:</source>
        <translation>Changed since the freeze by late registrations and corrections:</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="146"/>
        <source>Sinds de vaststelling is geen cijfer veranderd.</source>
        <translation>No figure has changed since the freeze.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="164"/>
        <source>{0} heeft al gepubliceerde cijfers. Opnieuw vaststellen vervangt ze door de cijfers die de registratie nu geeft; de eerdere versie blijft bewaard. Doorgaan?</source>
        <translation>{0} already has published figures. Freezing again replaces them with the figures the records give now; the earlier version is kept. Continue?</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="169"/>
        <source>De cijfers van {0} uit de registratie worden vastgelegd als de gepubliceerde cijfers van dat jaar. Latere wijzigingen in de registratie veranderen ze niet; ze staan dan in de lijst hieronder en op een erratum. Doorgaan?</source>
        <translation>The figures of {0} from the records are stored as that year&apos;s published figures. Later changes in the records do not change them; they then appear in the list below and on an erratum. Continue?</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/freeze_panel.py" line="180"/>
        <source>Jaar vaststellen</source>
        <translation>Freeze year</translation>
    </message>
</context>
<context>
    <name>Hearing</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/hearing_texts.py" line="22"/>
        <source>Zitting over {0} dagen ({1}).</source>
        <translation>Hearing in {0} days ({1}).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/hearing_texts.py" line="24"/>
        <source>Zitting morgen ({0}).</source>
        <translation>Hearing tomorrow ({0}).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/hearing_texts.py" line="26"/>
        <source>Zitting vandaag ({0}).</source>
        <translation>Hearing today ({0}).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/hearing_texts.py" line="27"/>
        <source>De zitting was op {0}.</source>
        <translation>The hearing was on {0}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/hearing_texts.py" line="33"/>
        <source>De mediation is nog niet gestart: plan de sessies vóór de zitting.</source>
        <translation>The mediation has not started yet: plan the sessions before the hearing.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/hearing_texts.py" line="36"/>
        <source>De mediation loopt; de sessies tot nu toe liggen vóór de zitting.</source>
        <translation>The mediation is running; the sessions so far are before the hearing.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/hearing_texts.py" line="39"/>
        <source>Alle sessies lagen vóór de zitting.</source>
        <translation>All sessions were before the hearing.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/hearing_texts.py" line="44"/>
        <source>Let op: {0} ligt op of na de zitting; de sessies horen ervóór te liggen.</source>
        <translation>Note: {0} is on or after the hearing; the sessions should be before it.</translation>
    </message>
</context>
<context>
    <name>HoldsModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="99"/>
        <source>Zaak</source>
        <translation>Case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="100"/>
        <source>Gesloten</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="101"/>
        <source>Sinds</source>
        <translation>Since</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="102"/>
        <source>Door</source>
        <translation>By</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="103"/>
        <source>Reden</source>
        <translation>Reason</translation>
    </message>
</context>
<context>
    <name>IntakeDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="120"/>
        <source>Intake met de mediators</source>
        <translation>Intake with the mediators</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="120"/>
        <source>&amp;Registreren</source>
        <translation>Re&amp;gister</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="124"/>
        <source>&amp;Uitkomst van de intake</source>
        <translation>Intake &amp;result</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="126"/>
        <source>&amp;Einddatum</source>
        <translation>&amp;End date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="130"/>
        <source>Niet geschikt: de mediation eindigt na de intake, zonder uitkomst. Geef dan de einddatum.</source>
        <translation>Not suitable: the mediation ends after the intake, without an outcome. Then give the end date.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="151"/>
        <source>kies geschikt of niet geschikt</source>
        <translation>choose suitable or not suitable</translation>
    </message>
</context>
<context>
    <name>InterviewDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="161"/>
        <source>Kindgesprek</source>
        <translation>Child interview</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="161"/>
        <source>Kindgesprek &amp;toevoegen</source>
        <translation>&amp;Add interview</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="165"/>
        <source>&amp;Datum</source>
        <translation>&amp;Date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="169"/>
        <source>&amp;Kinderen gehoord</source>
        <translation>&amp;Children heard</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="173"/>
        <source>Kinderen in deze mediation (leeftijd bij de aanvraag): {0}.</source>
        <translation>Children in this mediation (age at the request): {0}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="174"/>
        <source>{0} jaar</source>
        <translation>{0} years</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="177"/>
        <source>Van de kinderen in deze mediation is geen leeftijd bekend.</source>
        <translation>No age is known of the children in this mediation.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="178"/>
        <source>Kinderen worden gehoord vanaf {0} jaar.</source>
        <translation>Children are heard from the age of {0}.</translation>
    </message>
</context>
<context>
    <name>Line1Page</name>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="72"/>
        <source>Professional</source>
        <translation>Professional</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="119"/>
        <source>Nieuwe registratie (Ctrl+N)</source>
        <translation>New registration (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="129"/>
        <source>achternaam of organisatie (mag leeg)</source>
        <translation>last name or organisation (optional)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="134"/>
        <source>korte notitie; Enter slaat op</source>
        <translation>short note; Enter saves</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="141"/>
        <source>&amp;Wie belt</source>
        <translation>&amp;Who calls</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="142"/>
        <source>&amp;Naam</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="143"/>
        <source>&amp;Reisbestemming</source>
        <translation>&amp;Travel destination</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="144"/>
        <source>N&amp;otitie</source>
        <translation>N&amp;ote</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="145"/>
        <source>&amp;Kanaal</source>
        <translation>&amp;Channel</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="146"/>
        <source>&amp;Opslaan (Enter)</source>
        <translation>&amp;Save (Enter)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="165"/>
        <source>Mijn laatste 20 registraties</source>
        <translation>My last 20 registrations</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="184"/>
        <source>Enter of dubbelklik: contactmoment toevoegen. Ctrl+O: zaak openen.</source>
        <translation>Enter or double-click: add a contact. Ctrl+O: open the case.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="189"/>
        <source>&amp;Contactmoment toevoegen</source>
        <translation>Add &amp;contact</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="191"/>
        <source>Zaak o&amp;penen</source>
        <translation>&amp;Open case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="206"/>
        <source>Lijn 1: toestemming vakantie</source>
        <translation>Line 1: travel consent</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="283"/>
        <source>Niet opgeslagen: vul aan wat rood is gemarkeerd.</source>
        <translation>Not saved: complete what is marked red.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="341"/>
        <source>Opgeslagen als {0}. Klaar voor de volgende beller.</source>
        <translation>Saved as {0}. Ready for the next caller.</translation>
    </message>
</context>
<context>
    <name>LocationPage</name>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="218"/>
        <source>Locatie en sleutel</source>
        <translation>Location and key</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="221"/>
        <source>De database wordt altijd versleuteld opgeslagen. Kies waar ze komt en hoe de sleutel bewaard wordt.</source>
        <translation>The database is always stored encrypted. Choose where it goes and how the key is kept.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="228"/>
        <source>Bladeren…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="230"/>
        <source>&amp;Bestand</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="232"/>
        <source>Sleutel in de &amp;sleutelbos van het besturingssysteem (aanbevolen)</source>
        <translation>Key in the operating system&apos;s &amp;keyring (recommended)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="234"/>
        <source>Beveiligen met een &amp;wachtwoordzin</source>
        <translation>Protect with a &amp;passphrase</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="242"/>
        <source>Sleutelbos van het besturingssysteem (niet beschikbaar op deze computer)</source>
        <translation>Operating system keyring (not available on this computer)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="251"/>
        <source>Wachtwoord&amp;zin</source>
        <translation>Pass&amp;phrase</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="252"/>
        <source>Nogmaals</source>
        <translation>Again</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="265"/>
        <source>Nieuwe database</source>
        <translation>New database</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="265"/>
        <source>ikodesk-database (*.db)</source>
        <translation>ikodesk database (*.db)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="277"/>
        <source>Kies een bestand voor de database.</source>
        <translation>Choose a file for the database.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="279"/>
        <source>Er bestaat al een bestand op {0}; kies een andere naam.</source>
        <translation>A file already exists at {0}; choose another name.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="284"/>
        <source>Een wachtwoordzin heeft minstens 12 tekens.</source>
        <translation>A passphrase has at least 12 characters.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="286"/>
        <source>De twee wachtwoordzinnen zijn niet gelijk.</source>
        <translation>The two passphrases differ.</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../src/ikodesk/ui/idle.py" line="85"/>
        <source>ikodesk is vergrendeld</source>
        <translation>ikodesk is locked</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/idle.py" line="136"/>
        <source>U heeft ikodesk vergrendeld. Uw niet-opgeslagen invoer is bewaard. Ingelogd als {0}.</source>
        <translation>You locked ikodesk. Your unsaved input has been kept. Logged in as {0}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/idle.py" line="141"/>
        <source>De inhoud is verborgen omdat er een tijd niets is gedaan. Uw niet-opgeslagen invoer is bewaard. Ingelogd als {0}.</source>
        <translation>The contents are hidden because nothing was done for a while. Your unsaved input has been kept. Logged in as {0}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/idle.py" line="190"/>
        <source>{0} Na meerdere mislukte pogingen kunt u over {1} s opnieuw proberen.</source>
        <translation>{0} After several failed attempts you can try again in {1} s.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/idle.py" line="103"/>
        <source>wachtwoord</source>
        <translation>password</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/idle.py" line="113"/>
        <source>&amp;Ontgrendelen</source>
        <translation>&amp;Unlock</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/idle.py" line="115"/>
        <source>&amp;Afmelden</source>
        <translation>&amp;Log out</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="173"/>
        <source>ikodesk: inloggen</source>
        <translation>ikodesk: log in</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="176"/>
        <source>&lt;b&gt;Inloggen bij ikodesk&lt;/b&gt;</source>
        <translation>&lt;b&gt;Log in to ikodesk&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="179"/>
        <source>Kantoorserver: {0}</source>
        <translation>Office server: {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="181"/>
        <source>Database: {0}</source>
        <translation>Database: {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="201"/>
        <source>Demodatabase met fictieve gegevens. Log in met een van deze accounts; het wachtwoord is &lt;b&gt;{0}&lt;/b&gt;:</source>
        <translation>Demo database with fictitious data. Log in with one of these accounts; the password is &lt;b&gt;{0}&lt;/b&gt;:</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="224"/>
        <source>&amp;Gebruikersnaam</source>
        <translation>&amp;User name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="225"/>
        <source>&amp;Wachtwoord</source>
        <translation>&amp;Password</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="231"/>
        <source>&amp;Inloggen</source>
        <translation>&amp;Log in</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="235"/>
        <source>Afsluiten</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="282"/>
        <source>Vul uw gebruikersnaam en wachtwoord in.</source>
        <translation>Enter your user name and password.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="316"/>
        <source>{0} Na meerdere mislukte pogingen kunt u over {1} s opnieuw proberen.</source>
        <translation>{0} After several failed attempts you can try again in {1} s.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="54"/>
        <source>ikodesk — Centrum Internationale Kinderontvoering</source>
        <translation>ikodesk — Centre for International Child Abduction</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="76"/>
        <source>Lijn 1</source>
        <translation>Line 1</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="80"/>
        <source>Zaken (lijn 2)</source>
        <translation>Cases (line 2)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="85"/>
        <source>Termijnen</source>
        <translation>Deadlines</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="88"/>
        <source>Mediation</source>
        <translation>Mediation</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="91"/>
        <source>Rapportages</source>
        <translation>Reports</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="96"/>
        <source>Beheer</source>
        <translation>Administration</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="100"/>
        <source>Conflictzaken</source>
        <translation>Conflict cases</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="184"/>
        <source>&amp;Bestand</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="188"/>
        <source>Nieuwe registratie &amp;lijn 1</source>
        <translation>New &amp;line 1 registration</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="195"/>
        <source>Nieuwe &amp;tweedelijnszaak</source>
        <translation>New line &amp;2 case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="199"/>
        <source>&amp;Zoeken</source>
        <translation>&amp;Search</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="202"/>
        <source>&amp;Vergrendelen</source>
        <translation>&amp;Lock</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="203"/>
        <source>&amp;Afmelden</source>
        <translation>&amp;Log out</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="205"/>
        <source>A&amp;fsluiten</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="208"/>
        <source>B&amp;eeld</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="209"/>
        <source>&amp;Taal</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="218"/>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="219"/>
        <source>&amp;Sneltoetsen</source>
        <translation>&amp;Keyboard shortcuts</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="220"/>
        <source>&amp;Over ikodesk</source>
        <translation>&amp;About ikodesk</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="226"/>
        <source>Gebruiker: {0} ({1})</source>
        <translation>User: {0} ({1})</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="228"/>
        <source>sleutelhouder</source>
        <translation>key holder</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="229"/>
        <source>Rol: {0}</source>
        <translation>Role: {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="230"/>
        <source>Database: {0}</source>
        <translation>Database: {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="305"/>
        <source>Zaak afgeschermd</source>
        <translation>Case walled off</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="319"/>
        <source>Taal</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="320"/>
        <source>De taal wordt toegepast wanneer u ikodesk opnieuw start.</source>
        <translation>The language takes effect when you restart ikodesk.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="327"/>
        <source>nieuwe registratie lijn 1 (vanuit elk venster)</source>
        <translation>new line 1 registration (from any window)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="331"/>
        <source>nieuwe tweedelijnszaak</source>
        <translation>new line 2 case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="333"/>
        <source>zoeken in zaken</source>
        <translation>search cases</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="334"/>
        <source>zaak opslaan</source>
        <translation>save the case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="335"/>
        <source>nieuw contactmoment in een zaak</source>
        <translation>new contact in a case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="336"/>
        <source>registratie lijn 1 opslaan; zaak openen in de lijst</source>
        <translation>save a line 1 registration; open a case in the list</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="339"/>
        <source>vergrendelen</source>
        <translation>lock</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="347"/>
        <source>Sneltoetsen</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="354"/>
        <source>Over ikodesk</source>
        <translation>About ikodesk</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="356"/>
        <source>ikodesk {0}&lt;br&gt;Zaakregistratie van het Centrum Internationale Kinderontvoering en het Mediation Bureau.</source>
        <translation>ikodesk {0}&lt;br&gt;Case registration of the Centre for International Child Abduction and the Mediation Bureau.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="431"/>
        <source>Afmelden</source>
        <translation>Log out</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="433"/>
        <source>Afmelden verwerpt de niet-opgeslagen wijzigingen in {0} zaakvenster(s). Toch afmelden?</source>
        <translation>Logging out discards the unsaved changes in {0} case window(s). Log out anyway?</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="465"/>
        <source>Niet-opgeslagen wijzigingen</source>
        <translation>Unsaved changes</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/main_window.py" line="467"/>
        <source>{0} zaakvenster(s) hebben wijzigingen die nog niet zijn opgeslagen. Toch afsluiten en de wijzigingen verwerpen?</source>
        <translation>{0} case window(s) have unsaved changes. Quit anyway and discard the changes?</translation>
    </message>
</context>
<context>
    <name>MediationListModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_list.py" line="42"/>
        <source>Referentie</source>
        <translation>Reference</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_list.py" line="43"/>
        <source>Aangevraagd</source>
        <translation>Requested</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_list.py" line="44"/>
        <source>Soort</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_list.py" line="46"/>
        <source>Verwezen door</source>
        <translation>Referred by</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_list.py" line="48"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_list.py" line="49"/>
        <source>Mediators</source>
        <translation>Mediators</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_list.py" line="51"/>
        <source>Bijzondere curator</source>
        <translation>Special curator</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_list.py" line="61"/>
        <source>{0}: niet geschikt na intake</source>
        <translation>{0}: not suitable after intake</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_list.py" line="65"/>
        <source>{0}: {1}</source>
        <translation>{0}: {1}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_list.py" line="69"/>
        <source>{0} (geschikt na intake)</source>
        <translation>{0} (suitable after intake)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_list.py" line="120"/>
        <source>benoemd {0}</source>
        <translation>appointed {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_list.py" line="124"/>
        <source>nog benoemen</source>
        <translation>to be appointed</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_list.py" line="152"/>
        <source>Niet voortgezet, met een kind van 3 jaar of ouder: volgens de afspraak van het bureau wordt een bijzondere curator benoemd.</source>
        <translation>Not continued, with a child of 3 or older: by the bureau&apos;s agreement a special curator is appointed.</translation>
    </message>
</context>
<context>
    <name>MediationPage</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="64"/>
        <source>Mediation Bureau</source>
        <translation>Mediation Bureau</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="69"/>
        <source>bijv. M2024-007 (Ctrl+K)</source>
        <translation>e.g. M2024-007 (Ctrl+K)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="72"/>
        <source>&amp;Ga naar</source>
        <translation>&amp;Go to</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="76"/>
        <source>&amp;Nieuwe aanvraag</source>
        <translation>&amp;New request</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="90"/>
        <source>&amp;Aanvragen</source>
        <translation>&amp;Requests</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="92"/>
        <source>Mediator&amp;pool</source>
        <translation>Mediator &amp;pool</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="103"/>
        <source>&amp;Nieuwe aanvraag (Ctrl+N)</source>
        <translation>&amp;New request (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="147"/>
        <source>Alle jaren</source>
        <translation>All years</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="150"/>
        <source>IKO en NIKO</source>
        <translation>IKO and NIKO</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="155"/>
        <source>Alle statussen</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="160"/>
        <source>Alle mediators</source>
        <translation>All mediators</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="163"/>
        <source>&amp;Jaar</source>
        <translation>&amp;Year</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="164"/>
        <source>S&amp;oort</source>
        <translation>&amp;Type</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="165"/>
        <source>S&amp;tatus</source>
        <translation>&amp;Status</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="166"/>
        <source>Me&amp;diator</source>
        <translation>Me&amp;diator</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="176"/>
        <source>Op&amp;enen</source>
        <translation>Op&amp;en</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="178"/>
        <source>Enter in de lijst</source>
        <translation>Enter in the list</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="255"/>
        <source>{0} (inactief)</source>
        <translation>{0} (inactive)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="282"/>
        <source>laden…</source>
        <translation>loading…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="291"/>
        <source>{0} aanvragen</source>
        <translation>{0} requests</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="311"/>
        <source>&lt;a href=&quot;{0}&quot;&gt;{1}&lt;/a&gt; ({2}, aangevraagd {3}, kind van {4} jaar)</source>
        <translation>&lt;a href=&quot;{0}&quot;&gt;{1}&lt;/a&gt; ({2}, requested {3}, child aged {4})</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="322"/>
        <source>en nog {0}</source>
        <translation>and {0} more</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="325"/>
        <source>Een niet-voortgezette aanvraag met een kind van {0} jaar of ouder heeft nog geen bijzondere curator (afspraak van het bureau):</source>
        <translation>A request that was not continued, with a child of {0} or older, has no special curator yet (the bureau&apos;s agreement):</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="330"/>
        <source>{0} niet-voortgezette aanvragen met een kind van {1} jaar of ouder hebben nog geen bijzondere curator (afspraak van het bureau):</source>
        <translation>{0} requests that were not continued, with a child of {1} or older, have no special curator yet (the bureau&apos;s agreement):</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_page.py" line="335"/>
        <source>Bijzondere curator benoemen</source>
        <translation>Appoint a special curator</translation>
    </message>
</context>
<context>
    <name>MediationWindow</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="38"/>
        <source>geopend {0}</source>
        <translation>opened {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="36"/>
        <source>Nog geen kindgesprekken.</source>
        <translation>No child interviews yet.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="38"/>
        <source>1 kindgesprek</source>
        <translation>1 child interview</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="40"/>
        <source>{0} kindgesprekken</source>
        <translation>{0} child interviews</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="43"/>
        <source>1 kind gehoord</source>
        <translation>1 child heard</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="45"/>
        <source>{0} kinderen gehoord</source>
        <translation>{0} children heard</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="51"/>
        <source>Ouder {0}</source>
        <translation>Parent {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="55"/>
        <source>begin te typen: Nederland, …</source>
        <translation>start typing: Nederland, …</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="66"/>
        <source>Moeder of vader</source>
        <translation>Mother or father</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="67"/>
        <source>Voornaam</source>
        <translation>First name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="68"/>
        <source>Achternaam</source>
        <translation>Last name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="69"/>
        <source>Geboortedatum</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="70"/>
        <source>Woonland</source>
        <translation>Country of residence</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="84"/>
        <source>kies moeder of vader</source>
        <translation>choose mother or father</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="96"/>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="291"/>
        <source>Nieuwe mediationaanvraag</source>
        <translation>New mediation request</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="96"/>
        <source>Laden…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="116"/>
        <source>&amp;Opslaan</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="140"/>
        <source>Kinderen</source>
        <translation>Children</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="144"/>
        <source>Leeftijd op de aanvraagdatum; vul alleen in als de geboortedatum onbekend is</source>
        <translation>Age on the request date; fill in only when the date of birth is unknown</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="146"/>
        <source>de aanvraagdatum</source>
        <translation>the request date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="289"/>
        <source>Nieuwe aanvraag</source>
        <translation>New request</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="292"/>
        <source>{0} — ikodesk</source>
        <translation>{0} — ikodesk</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="294"/>
        <source>nog niet opgeslagen</source>
        <translation>not saved yet</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="444"/>
        <source>Nog niet opgeslagen: 1 veld vraagt aandacht.</source>
        <translation>Not saved yet: 1 field needs attention.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="446"/>
        <source>Nog niet opgeslagen: {0} velden vragen aandacht.</source>
        <translation>Not saved yet: {0} fields need attention.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="478"/>
        <source>Deze nieuwe aanvraag is nog niet opgeslagen.</source>
        <translation>This new request has not been saved yet.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="479"/>
        <source>De wijzigingen in aanvraag {0} zijn nog niet opgeslagen.</source>
        <translation>The changes to request {0} have not been saved yet.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="57"/>
        <source>Sla de aanvraag op (Ctrl+S); daarna registreert u hier het verloop.</source>
        <translation>Save the request (Ctrl+S); then register its course here.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="62"/>
        <source>Aangevraagd op {0}{1}.</source>
        <translation>Requested on {0}{1}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="64"/>
        <source>, verwezen door: {0}</source>
        <translation>, referred by: {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="71"/>
        <source>Nog geen besluit: start de mediation of registreer dat de aanvraag niet wordt voortgezet.</source>
        <translation>No decision yet: start the mediation or register that the request is not continued.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="77"/>
        <source>Niet voortgezet: {0}</source>
        <translation>Not continued: {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="81"/>
        <source>Gestart op {0}.</source>
        <translation>Started on {0}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="84"/>
        <source>Benoemd op {0}.</source>
        <translation>Appointed on {0}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="88"/>
        <source>Nog te benoemen: de aanvraag is niet voortgezet en er is een kind van {0} jaar of ouder (afspraak van het bureau).</source>
        <translation>To be appointed: the request was not continued and there is a child of {0} or older (the bureau&apos;s agreement).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="95"/>
        <source>Niet nodig: geen kind van {0} jaar of ouder bekend.</source>
        <translation>Not needed: no child of {0} or older is known.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="99"/>
        <source>Alleen bij een aanvraag die niet wordt voortgezet.</source>
        <translation>Only for a request that is not continued.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="103"/>
        <source> (CBFM)</source>
        <translation> (CBFM)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="104"/>
        <source> (inactief)</source>
        <translation> (inactive)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="108"/>
        <source>Nog geen mediators toegewezen.</source>
        <translation>No mediators assigned yet.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="110"/>
        <source>Geschikt.</source>
        <translation>Suitable.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="112"/>
        <source>Niet geschikt: beëindigd op {0}, zonder uitkomst.</source>
        <translation>Not suitable: ended on {0}, without an outcome.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="116"/>
        <source>Nog geen intake.</source>
        <translation>No intake yet.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="120"/>
        <source>{0}, beëindigd op {1}.</source>
        <translation>{0}, ended on {1}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="124"/>
        <source>Redenen: {0}.</source>
        <translation>Reasons: {0}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_texts.py" line="128"/>
        <source>Nog geen uitkomst.</source>
        <translation>No outcome yet.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="337"/>
        <source>kies IKO of NIKO</source>
        <translation>choose IKO or NIKO</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="345"/>
        <source>verplicht</source>
        <translation>required</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="398"/>
        <source>Aanvraag {0} geregistreerd.</source>
        <translation>Request {0} registered.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="400"/>
        <source>Opgeslagen.</source>
        <translation>Saved.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="430"/>
        <source>Kind {0}: {1}</source>
        <translation>Child {0}: {1}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_form.py" line="465"/>
        <source>Verloop bijgewerkt.</source>
        <translation>Course updated.</translation>
    </message>
</context>
<context>
    <name>MediatorDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="119"/>
        <source>Mediator toevoegen</source>
        <translation>Add mediator</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="119"/>
        <source>Mediator wijzigen</source>
        <translation>Edit mediator</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="127"/>
        <source>taalcodes, bijv. nl, pl, en</source>
        <translation>language codes, e.g. nl, pl, en</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="133"/>
        <source>&amp;CBFM-gecertificeerd (Certified Cross Border Family Mediator)</source>
        <translation>&amp;CBFM certified (Certified Cross Border Family Mediator)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="137"/>
        <source>&amp;Actief in de pool</source>
        <translation>&amp;Active in the pool</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="141"/>
        <source>&amp;Naam *</source>
        <translation>&amp;Name *</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="142"/>
        <source>&amp;Talen</source>
        <translation>&amp;Languages</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="151"/>
        <source>&amp;Opslaan</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="151"/>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>MediatorPickModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pick.py" line="43"/>
        <source>Mediator</source>
        <translation>Mediator</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pick.py" line="44"/>
        <source>Talen</source>
        <translation>Languages</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pick.py" line="45"/>
        <source>CBFM</source>
        <translation>CBFM</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pick.py" line="46"/>
        <source>Zaken in {0}</source>
        <translation>Cases in {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pick.py" line="62"/>
        <source>{0} (inactief)</source>
        <translation>{0} (inactive)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pick.py" line="63"/>
        <source>ja</source>
        <translation>yes</translation>
    </message>
</context>
<context>
    <name>MediatorPool</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="192"/>
        <source>Zaken per mediator in &amp;jaar</source>
        <translation>Cases per mediator in &amp;year</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="197"/>
        <source>Mediator &amp;toevoegen…</source>
        <translation>&amp;Add mediator…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="199"/>
        <source>&amp;Wijzigen…</source>
        <translation>&amp;Edit…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="201"/>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="241"/>
        <source>&amp;Deactiveren</source>
        <translation>Deac&amp;tivate</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="241"/>
        <source>A&amp;ctiveren</source>
        <translation>Ac&amp;tivate</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="252"/>
        <source>{0} mediators, van wie {1} actief; {2} CBFM-gecertificeerd.</source>
        <translation>{0} mediators, {1} of them active; {2} CBFM certified.</translation>
    </message>
</context>
<context>
    <name>MediatorsDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pick.py" line="104"/>
        <source>Mediators toewijzen</source>
        <translation>Assign mediators</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pick.py" line="104"/>
        <source>&amp;Toewijzen</source>
        <translation>As&amp;sign</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pick.py" line="110"/>
        <source>Alle talen</source>
        <translation>All languages</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pick.py" line="111"/>
        <source>Alleen &amp;CBFM-gecertificeerd</source>
        <translation>Only &amp;CBFM certified</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pick.py" line="118"/>
        <source>T&amp;aal</source>
        <translation>L&amp;anguage</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pick.py" line="132"/>
        <source>&amp;Pool</source>
        <translation>&amp;Pool</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pick.py" line="138"/>
        <source>Gekozen</source>
        <translation>Chosen</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pick.py" line="148"/>
        <source>Meestal twee mediators. Spatie kiest of schrapt de mediator in de lijst; de volgorde van kiezen is de volgorde in de mediation. Minst belaste mediators staan bovenaan.</source>
        <translation>Usually two mediators. Space ticks or unticks the mediator in the list; the order of ticking is the order in the mediation. The least busy mediators are at the top.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pick.py" line="211"/>
        <source>nog niemand</source>
        <translation>nobody yet</translation>
    </message>
</context>
<context>
    <name>MediatorsModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="67"/>
        <source>Naam</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="68"/>
        <source>Talen</source>
        <translation>Languages</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="69"/>
        <source>CBFM</source>
        <translation>CBFM</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="70"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="71"/>
        <source>Zaken in {0}</source>
        <translation>Cases in {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="95"/>
        <source>gecertificeerd</source>
        <translation>certified</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="96"/>
        <source>actief</source>
        <translation>active</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediator_pool.py" line="98"/>
        <source>inactief</source>
        <translation>inactive</translation>
    </message>
</context>
<context>
    <name>NotContinueDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="66"/>
        <source>Aanvraag niet voortzetten</source>
        <translation>Request not continued</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="67"/>
        <source>&amp;Niet voortzetten</source>
        <translation>Do &amp;not continue</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="75"/>
        <source>Bijvoorbeeld: ouders willen na de regiezitting niet meer deelnemen.</source>
        <translation>For example: after the directions hearing the parents no longer want to take part.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="77"/>
        <source>&amp;Reden</source>
        <translation>&amp;Reason</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="81"/>
        <source>Bij een kind van {0} jaar of ouder benoemt het bureau daarna een bijzondere curator.</source>
        <translation>For a child of {0} or older the bureau then appoints a special curator.</translation>
    </message>
</context>
<context>
    <name>OtherParentSection</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="320"/>
        <source>Andere ouder</source>
        <translation>Other parent</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="322"/>
        <source>Andere o&amp;uder vastleggen</source>
        <translation>Record the other paren&amp;t</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="334"/>
        <source>Ouder</source>
        <translation>Parent</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="335"/>
        <source>Voornaam</source>
        <translation>First name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="336"/>
        <source>Achternaam</source>
        <translation>Last name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="337"/>
        <source>Geboortedatum</source>
        <translation>Date of birth</translation>
    </message>
</context>
<context>
    <name>OutcomeDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="196"/>
        <source>Uitkomst van de mediation</source>
        <translation>Outcome of the mediation</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="196"/>
        <source>&amp;Registreren</source>
        <translation>Re&amp;gister</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="200"/>
        <source>&amp;Uitkomst</source>
        <translation>&amp;Outcome</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="203"/>
        <source>&amp;Einddatum</source>
        <translation>&amp;End date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="214"/>
        <source>Waarom niet geslaagd</source>
        <translation>Why it failed</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="218"/>
        <source>De mediation heeft al een uitkomst: dit corrigeert haar.</source>
        <translation>The mediation already has an outcome: this corrects it.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="234"/>
        <source>kies de uitkomst</source>
        <translation>choose the outcome</translation>
    </message>
</context>
<context>
    <name>PeriodsModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="80"/>
        <source>Soort</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="81"/>
        <source>Jaren</source>
        <translation>Years</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="82"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="87"/>
        <source>bevestigd door {0} op {1}</source>
        <translation>confirmed by {0} on {1}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="91"/>
        <source>standaard, niet bevestigd</source>
        <translation>default, not confirmed</translation>
    </message>
</context>
<context>
    <name>PeriodsTab</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="199"/>
        <source>Bewaartermijn per soort, gerekend vanaf de sluitingsdatum</source>
        <translation>Retention period per type, counted from the closing date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="205"/>
        <source>Termijn &amp;wijzigen…</source>
        <translation>&amp;Change period…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="208"/>
        <source>Standaardtermijnen &amp;bevestigen</source>
        <translation>Confirm &amp;default periods</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="217"/>
        <source>Bewaarplicht (legal hold): deze zaken worden niet verwijderd</source>
        <translation>Legal hold: these cases are not deleted</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="223"/>
        <source>Bewaarplicht &amp;opleggen…</source>
        <translation>&amp;Place legal hold…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="226"/>
        <source>Bewaarplicht op&amp;heffen</source>
        <translation>&amp;Lift legal hold</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="257"/>
        <source>{0} bewaartermijnen zijn nog standaardwaarden die niemand heeft bevestigd. ikodesk doet geen uitspraak over de juiste termijnen: controleer ze met de privacyfunctionaris en bevestig of wijzig ze.</source>
        <translation>{0} retention periods are still default values that nobody has confirmed. ikodesk does not say what the right periods are: check them with the privacy officer and confirm or change them.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="270"/>
        <source>Bewaartermijnen</source>
        <translation>Retention periods</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="270"/>
        <source>Kies eerst een soort in de lijst.</source>
        <translation>First choose a type in the list.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="279"/>
        <source>Bewaartermijn wijzigen</source>
        <translation>Change retention period</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="279"/>
        <source>&amp;Opslaan</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="285"/>
        <source> jaar</source>
        <translation> years</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="287"/>
        <source>&amp;Termijn</source>
        <translation>&amp;Period</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="298"/>
        <source>Bewaartermijn {0}: {1} jaar.</source>
        <translation>Retention period {0}: {1} years.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="318"/>
        <source>{0} bewaartermijnen bevestigd.</source>
        <translation>{0} retention periods confirmed.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="328"/>
        <source>Bewaarplicht opleggen</source>
        <translation>Place legal hold</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="328"/>
        <source>&amp;Opleggen</source>
        <translation>&amp;Place</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="334"/>
        <source>bijvoorbeeld: procedure loopt; geen namen</source>
        <translation>for example: proceedings pending; no names</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="335"/>
        <source>&amp;Zaakkenmerk</source>
        <translation>&amp;Case reference</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="336"/>
        <source>&amp;Reden</source>
        <translation>&amp;Reason</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="346"/>
        <source>Bewaarplicht op {0} gelegd.</source>
        <translation>Legal hold placed on {0}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="360"/>
        <source>Bewaarplicht</source>
        <translation>Legal hold</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="360"/>
        <source>Kies eerst een zaak in de lijst.</source>
        <translation>First choose a case in the list.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="367"/>
        <source>Bewaarplicht op {0} opgeheven.</source>
        <translation>Legal hold on {0} lifted.</translation>
    </message>
</context>
<context>
    <name>RecentModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="92"/>
        <source>Referentie</source>
        <translation>Reference</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="93"/>
        <source>Conflict</source>
        <translation>Conflict</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="94"/>
        <source>Geopend</source>
        <translation>Opened</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="95"/>
        <source>Beller</source>
        <translation>Caller</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/line1/line1_page.py" line="96"/>
        <source>Land</source>
        <translation>Country</translation>
    </message>
</context>
<context>
    <name>RecoveryPage</name>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="366"/>
        <source>Bewaar de sleutel</source>
        <translation>Keep the key safe</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="367"/>
        <source>De database is aangemaakt. Nog één ding voordat u begint.</source>
        <translation>The database has been created. One more thing before you start.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="379"/>
        <location filename="../../src/ikodesk/ui/wizard.py" line="397"/>
        <source>Ik heb de &amp;herstelsleutel veilig bewaard</source>
        <translation>I have stored the &amp;recovery key safely</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="389"/>
        <source>De sleutel van de database staat in de sleutelbos van uw account. Met de &lt;b&gt;herstelsleutel&lt;/b&gt; hieronder opent u de database op een andere computer of na verlies van de sleutelbos. Hij wordt maar één keer getoond: schrijf hem op of bewaar hem in de kluis van de organisatie.</source>
        <translation>The database key is in your account&apos;s keyring. With the &lt;b&gt;recovery key&lt;/b&gt; below you can open the database on another computer or after losing the keyring. It is shown only once: write it down or keep it in the organisation&apos;s safe.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="401"/>
        <source>De database is beveiligd met uw wachtwoordzin. Zonder de wachtwoordzin is de database niet te openen: bewaar hem op een veilige plek.</source>
        <translation>The database is protected by your passphrase. Without the passphrase the database cannot be opened: keep it in a safe place.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="406"/>
        <source>Ik heb de &amp;wachtwoordzin veilig bewaard</source>
        <translation>I have stored the &amp;passphrase safely</translation>
    </message>
</context>
<context>
    <name>RegisterModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="128"/>
        <source>Run</source>
        <translation>Run</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="129"/>
        <source>Uitgevoerd</source>
        <translation>Carried out</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="130"/>
        <source>Peildatum</source>
        <translation>Reference date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="131"/>
        <source>Door</source>
        <translation>By</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="132"/>
        <source>Goedgekeurd door</source>
        <translation>Approved by</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="133"/>
        <source>Zaken</source>
        <translation>Cases</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="134"/>
        <source>Mediations</source>
        <translation>Mediations</translation>
    </message>
</context>
<context>
    <name>ReportSettingsBox</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/report_settings.py" line="38"/>
        <source>Jaarcijfers en jaarverslag</source>
        <translation>Annual figures and annual report</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/report_settings.py" line="45"/>
        <location filename="../../src/ikodesk/ui/admin/report_settings.py" line="118"/>
        <source>automatisch</source>
        <translation>automatic</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/report_settings.py" line="47"/>
        <source>Opslaan</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/report_settings.py" line="53"/>
        <source>Registratie v&amp;olledig vanaf</source>
        <translation>Rec&amp;ords complete from</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/report_settings.py" line="62"/>
        <location filename="../../src/ikodesk/ui/admin/report_settings.py" line="108"/>
        <source>geen logo</source>
        <translation>no logo</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/report_settings.py" line="65"/>
        <source>&amp;Logo kiezen…</source>
        <translation>Choose &amp;logo…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/report_settings.py" line="68"/>
        <source>Logo ver&amp;wijderen</source>
        <translation>Re&amp;move logo</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/report_settings.py" line="74"/>
        <source>Logo op de voorkant</source>
        <translation>Logo on the cover</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/report_settings.py" line="92"/>
        <source>geen jaar</source>
        <translation>no year</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/report_settings.py" line="95"/>
        <source>Gepubliceerde cijfers van een jaar (geïmporteerd of vastgesteld) gaan altijd voor; de registratie telt alleen vanaf dit jaar. Automatisch: het eerste jaar met Lijn 1-registraties in januari (nu {0}).</source>
        <translation>A year&apos;s published figures (imported or frozen) always come first; the records count only from this year. Automatic: the first year with Line 1 registrations in January (now {0}).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/report_settings.py" line="117"/>
        <source>Opgeslagen: registratie volledig vanaf {0}.</source>
        <translation>Saved: records complete from {0}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/report_settings.py" line="134"/>
        <source>Logo kiezen</source>
        <translation>Choose logo</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/report_settings.py" line="136"/>
        <source>Afbeeldingen (*.png *.jpg *.jpeg)</source>
        <translation>Images (*.png *.jpg *.jpeg)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/report_settings.py" line="149"/>
        <source>Het logo is opgeslagen.</source>
        <translation>The logo has been saved.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/report_settings.py" line="149"/>
        <source>Het logo is verwijderd.</source>
        <translation>The logo has been removed.</translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <location filename="../../src/ikodesk/ui/reports/figures_view.py" line="184"/>
        <source>Lijn 2 per code, {0}</source>
        <translation>Line 2 by code, {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="81"/>
        <source>Rapportages</source>
        <translation>Reports</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="94"/>
        <source>Cijfers &amp;tonen</source>
        <translation>&amp;Show figures</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="98"/>
        <source>&amp;Jaar</source>
        <translation>&amp;Year</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="100"/>
        <source>&amp;Vergelijken met</source>
        <translation>&amp;Compare with</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="109"/>
        <source>&amp;Mediationcijfers (PDF)</source>
        <translation>&amp;Mediation figures (PDF)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="144"/>
        <source>filter, bijvoorbeeld: ontvoering, telefoon, Preventie</source>
        <translation>filter, for example: ontvoering, telefoon, Preventie</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="166"/>
        <source>&amp;Cijfers</source>
        <translation>&amp;Figures</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="192"/>
        <source>&amp;Grafieken</source>
        <translation>&amp;Charts</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="197"/>
        <source>Nog geen rapport gemaakt.</source>
        <translation>No report made yet.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="198"/>
        <source>&amp;Afdrukken…</source>
        <translation>&amp;Print…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="201"/>
        <source>&amp;Opslaan als…</source>
        <translation>&amp;Save as…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="215"/>
        <source>&amp;PDF</source>
        <translation>&amp;PDF</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="241"/>
        <source>Cijfers over {0} worden berekend…</source>
        <translation>Computing the figures for {0}…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="280"/>
        <source>Vergeleken met {0}.</source>
        <translation>Compared with {0}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="106"/>
        <source>&amp;Jaarverslag (PDF)</source>
        <translation>Annual &amp;report (PDF)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="113"/>
        <source>met &amp;erratum</source>
        <translation>with &amp;erratum</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="116"/>
        <source>Voor een vastgesteld jaar: een pagina met wat sindsdien is veranderd</source>
        <translation>For a frozen year: a page with what has changed since</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="219"/>
        <source>Vaststell&amp;ing</source>
        <translation>Freez&amp;ing</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="221"/>
        <source>&amp;Teksten</source>
        <translation>&amp;Texts</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="268"/>
        <source>{0}: {1} (lijn 1: {2}, lijn 2: {3}), {4}.</source>
        <translation>{0}: {1} (line 1: {2}, line 2: {3}), {4}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="270"/>
        <source>1 zaak</source>
        <translation>1 case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="272"/>
        <source>{0} zaken</source>
        <translation>{0} cases</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="275"/>
        <source>1 contactmoment</source>
        <translation>1 contact</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="277"/>
        <source>{0} contactmomenten</source>
        <translation>{0} contacts</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="283"/>
        <source>Zaken per lijn, {0}</source>
        <translation>Cases per line, {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="288"/>
        <source>Ontvoering naar het buitenland: landen, {0}</source>
        <translation>Abduction abroad: countries, {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="291"/>
        <source>Preventie: landen, {0}</source>
        <translation>Prevention: countries, {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="304"/>
        <source>Zaken</source>
        <translation>Cases</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="305"/>
        <source>Contactmomenten</source>
        <translation>Contacts</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="306"/>
        <source>Ontvoeringszaken van ouders</source>
        <translation>Parents&apos; abduction cases</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="307"/>
        <source>Kinderen in die zaken</source>
        <translation>Children in those cases</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="308"/>
        <source>Uitgaand naar een HKOV-land</source>
        <translation>Outgoing to a Hague country</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="309"/>
        <source>Uitgaand naar een niet-HKOV-land</source>
        <translation>Outgoing to a non-Hague country</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="312"/>
        <source>Procedure binnen een jaar na de ontvoering</source>
        <translation>Proceedings within one year of the removal</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="316"/>
        <source>Dagen van ontvoering tot eerste contact (mediaan)</source>
        <translation>Days from removal to first contact (median)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="318"/>
        <source>Kinderen in preventiezaken</source>
        <translation>Children in prevention cases</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="319"/>
        <source>Mediationverzoeken</source>
        <translation>Mediation requests</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="320"/>
        <source>Slagingspercentage mediation</source>
        <translation>Mediation success rate</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="345"/>
        <source>Dat is niet gelukt.</source>
        <translation>That did not work.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="360"/>
        <source>Het rapport wordt gemaakt…</source>
        <translation>Making the report…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="367"/>
        <source>Cijfers berekenen…</source>
        <translation>Computing the figures…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="369"/>
        <source>Het rapport wordt opgemaakt…</source>
        <translation>Laying out the report…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="405"/>
        <source>{0} ({1} pagina&apos;s)</source>
        <translation>{0} ({1} pages)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="407"/>
        <source>Rapport gemaakt: {0}</source>
        <translation>Report made: {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="418"/>
        <source>Rapport opslaan</source>
        <translation>Save report</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="420"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="430"/>
        <source>Opgeslagen als {0}</source>
        <translation>Saved as {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="447"/>
        <source>De printer kan niet worden gebruikt.</source>
        <translation>The printer cannot be used.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/reports_page.py" line="458"/>
        <source>Naar de printer gestuurd.</source>
        <translation>Sent to the printer.</translation>
    </message>
</context>
<context>
    <name>RequestSection</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="116"/>
        <source>Aanvraag</source>
        <translation>Request</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="123"/>
        <source>IKO (internationale kinderontvoering)</source>
        <translation>IKO (international child abduction)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="124"/>
        <source>NIKO (ander internationaal familiegeschil)</source>
        <translation>NIKO (other international family dispute)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="134"/>
        <source>referentie, bijv. 2024-L2-00017 (optioneel)</source>
        <translation>reference, e.g. 2024-L2-00017 (optional)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="157"/>
        <source>Soo&amp;rt *</source>
        <translation>T&amp;ype *</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="158"/>
        <source>&amp;Aanvraagdatum *</source>
        <translation>Request &amp;date *</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="159"/>
        <source>Verwezen &amp;door</source>
        <translation>Re&amp;ferred by</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="164"/>
        <source>Z&amp;itting rechtbank</source>
        <translation>Court hear&amp;ing</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="170"/>
        <source>&amp;Zaak van het centrum</source>
        <translation>Centre cas&amp;e</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/request_sections.py" line="192"/>
        <source>ongeldige datum (dd-mm-jjjj)</source>
        <translation>invalid date (dd-mm-yyyy)</translation>
    </message>
</context>
<context>
    <name>RequesterSection</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="217"/>
        <source>Hoofdbetrokkene (wie vraagt advies)</source>
        <translation>Requester (who asks for advice)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="235"/>
        <source>Soo&amp;rt</source>
        <translation>&amp;Kind</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="236"/>
        <source>Ouder</source>
        <translation>Parent</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="237"/>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="261"/>
        <source>&amp;Kant</source>
        <translation>&amp;Side</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="240"/>
        <source>Organisatiet&amp;ype</source>
        <translation>Organisation t&amp;ype</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="241"/>
        <source>Organisatie</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="242"/>
        <source>Relatie</source>
        <translation>Relation</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="247"/>
        <source>&amp;Voornaam</source>
        <translation>&amp;First name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="248"/>
        <source>&amp;Achternaam</source>
        <translation>&amp;Last name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="249"/>
        <source>Geboortedatum</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="250"/>
        <source>Telefoon</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="251"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="261"/>
        <source>&amp;Kant *</source>
        <translation>&amp;Side *</translation>
    </message>
</context>
<context>
    <name>ReviewModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="115"/>
        <source>Zaak</source>
        <translation>Case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="116"/>
        <source>Andere zaak</source>
        <translation>Other case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="117"/>
        <source>Gevonden</source>
        <translation>Found</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="118"/>
        <source>Punten</source>
        <translation>Points</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/conflicts_view.py" line="119"/>
        <source>Reden</source>
        <translation>Reason</translation>
    </message>
</context>
<context>
    <name>ServerPage</name>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="111"/>
        <source>Automatisch: versleuteld en certificaat gecontroleerd (aanbevolen)</source>
        <translation>Automatic: encrypted and certificate checked (recommended)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="116"/>
        <source>Certificaat controleren met dit CA-bestand</source>
        <translation>Check the certificate with this CA file</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="117"/>
        <source>Versleuteld, certificaat niet controleren</source>
        <translation>Encrypted, certificate not checked</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="126"/>
        <source>Verbinden met de kantoorserver</source>
        <translation>Connect to the office server</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="129"/>
        <source>Het kantoor werkt in één PostgreSQL-database. U logt daarna in met uw eigen naam en wachtwoord; deze computer bewaart geen sleutel.</source>
        <translation>The office works in one PostgreSQL database. You then log in with your own name and password; this computer keeps no key.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="136"/>
        <source>bijvoorbeeld server.kantoor.local</source>
        <translation>for example server.office.local</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="149"/>
        <source>optioneel: het CA-certificaat van het kantoor</source>
        <translation>optional: the office&apos;s CA certificate</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="150"/>
        <source>Bladeren…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="152"/>
        <source>&amp;Server</source>
        <translation>&amp;Server</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="153"/>
        <source>&amp;Poort</source>
        <translation>&amp;Port</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="154"/>
        <source>&amp;Database</source>
        <translation>&amp;Database</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="155"/>
        <source>&amp;Beveiliging</source>
        <translation>&amp;Security</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="156"/>
        <source>&amp;CA-bestand</source>
        <translation>&amp;CA file</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="170"/>
        <source>CA-certificaat</source>
        <translation>CA certificate</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="170"/>
        <source>Certificaat (*.crt *.pem)</source>
        <translation>Certificate (*.crt *.pem)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="178"/>
        <source>Op deze computer zelf: versleuteld als de server dat kan.</source>
        <translation>On this computer itself: encrypted when the server can.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="180"/>
        <source>Versleuteld; het certificaat van de server moet door het CA van het kantoor (of van het systeem) zijn getekend en de servernaam dragen.</source>
        <translation>Encrypted; the server&apos;s certificate must be signed by the office&apos;s (or the system&apos;s) CA and carry the server&apos;s name.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="184"/>
        <source>Versleuteld, maar wie tussen u en de server zit, merkt u niet op. Alleen voor een proefopstelling.</source>
        <translation>Encrypted, but you would not notice someone between you and the server. For a trial setup only.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="195"/>
        <source>Vul de naam of het adres van de server in.</source>
        <translation>Enter the server&apos;s name or address.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="197"/>
        <source>Vul de naam van de database in.</source>
        <translation>Enter the name of the database.</translation>
    </message>
</context>
<context>
    <name>StartController</name>
    <message>
        <location filename="../../src/ikodesk/ui/start.py" line="180"/>
        <source>database aanmaken</source>
        <translation>creating the database</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/start.py" line="181"/>
        <source>fictieve gegevens maken</source>
        <translation>making fictitious data</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/start.py" line="182"/>
        <source>gegevens controleren</source>
        <translation>checking the data</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/start.py" line="183"/>
        <source>gegevens opslaan</source>
        <translation>saving the data</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/start.py" line="186"/>
        <source>De demodatabase wordt aangemaakt: stap {0} van {1}, {2} ({3}%). U kunt alvast uw gebruikersnaam en wachtwoord typen.</source>
        <translation>The demo database is being created: step {0} of {1}, {2} ({3}%). You can already type your user name and password.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/start.py" line="221"/>
        <source>De database kon niet worden aangemaakt.</source>
        <translation>The database could not be created.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/start.py" line="388"/>
        <source>Inloggen is niet gelukt.</source>
        <translation>Logging in failed.</translation>
    </message>
</context>
<context>
    <name>StartDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="38"/>
        <source>Mediation starten</source>
        <translation>Start mediation</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="38"/>
        <source>Mediation &amp;starten</source>
        <translation>&amp;Start mediation</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="42"/>
        <source>De ouders zijn bereid tot mediation. Aangevraagd op {0}.</source>
        <translation>The parents are willing to mediate. Requested on {0}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/step_dialogs.py" line="49"/>
        <source>Start&amp;datum</source>
        <translation>Start &amp;date</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="55"/>
        <source>Welkom bij ikodesk</source>
        <translation>Welcome to ikodesk</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="57"/>
        <source>Er is op deze computer nog geen database ingesteld. Wat wilt u doen?</source>
        <translation>No database has been set up on this computer yet. What would you like to do?</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="60"/>
        <source>Een &amp;nieuwe, versleutelde database maken</source>
        <translation>Create a &amp;new, encrypted database</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="61"/>
        <source>Een &amp;bestaande database openen</source>
        <translation>Open an &amp;existing database</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="62"/>
        <source>Verbinden met de &amp;kantoorserver</source>
        <translation>Connect to the &amp;office server</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="70"/>
        <source>pad naar het .db-bestand</source>
        <translation>path to the .db file</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="71"/>
        <source>Bladeren…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="87"/>
        <source>Database openen</source>
        <translation>Open database</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="87"/>
        <source>ikodesk-database (*.db)</source>
        <translation>ikodesk database (*.db)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/wizard.py" line="102"/>
        <source>Er is geen bestand op {0}.</source>
        <translation>There is no file at {0}.</translation>
    </message>
</context>
<context>
    <name>StepDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_steps.py" line="95"/>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_steps.py" line="113"/>
        <source>de aanvraagdatum</source>
        <translation>the request date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/mediation_steps.py" line="130"/>
        <source>verplicht</source>
        <translation>required</translation>
    </message>
</context>
<context>
    <name>SubjectAccessTab</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="167"/>
        <source>Iemand vraagt welke gegevens het Centrum over hem of haar heeft (AVG art. 15). Zoek de persoon, vink de dossiers aan die echt van deze persoon zijn en maak het inzagepakket: een PDF en een JSON-bestand met de eigen gegevens, de zaakfeiten en de contactmomenten; gegevens van anderen zijn afgeschermd. Het verzoek moet binnen een maand na ontvangst beantwoord zijn.</source>
        <translation>Someone asks what data the Centre holds about them (GDPR Art. 15). Search for the person, tick the dossiers that really belong to this person and make the access pack: a PDF and a JSON file with their own data, the case facts and the contact moments; data of others is redacted. The request must be answered within one month of receipt.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="178"/>
        <source>Verzoeker</source>
        <translation>Requester</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="182"/>
        <source>voornaam en achternaam</source>
        <translation>first name and surname</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="192"/>
        <source>&amp;Zoeken</source>
        <translation>&amp;Search</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="195"/>
        <source>&amp;Naam</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="196"/>
        <source>Geb&amp;oortedatum (als bekend)</source>
        <translation>Date of &amp;birth (if known)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="201"/>
        <source>Da&amp;tum van ontvangst</source>
        <translation>Date of recei&amp;pt</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="208"/>
        <source>Ge&amp;vonden dossiers</source>
        <translation>F&amp;ound dossiers</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="212"/>
        <source>Vink aan welke dossiers van deze persoon zijn (spatie vinkt aan of uit). Een naamgenoot is altijd mogelijk: controleer de geboortedatum.</source>
        <translation>Tick the dossiers that belong to this person (Space ticks or unticks). Someone with the same name is always possible: check the date of birth.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="225"/>
        <source>Verzoeker is ouder met gezag: &amp;kinderen tonen</source>
        <translation>Requester is a parent with parental authority: show ch&amp;ildren</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="229"/>
        <source>Alleen aanvinken als u hebt vastgesteld dat de verzoeker het gezag heeft over de kinderen; anders worden hun gegevens afgeschermd.</source>
        <translation>Only tick this if you have established that the requester has parental authority over the children; otherwise their data is redacted.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="237"/>
        <source>Inzagepakket</source>
        <translation>Access pack</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="241"/>
        <source>de map waarin de PDF en het JSON-bestand komen</source>
        <translation>the folder where the PDF and the JSON file go</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="242"/>
        <source>B&amp;laderen…</source>
        <translation>Bro&amp;wse…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="248"/>
        <source>&amp;Map</source>
        <translation>Fo&amp;lder</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="251"/>
        <source>Inzage&amp;pakket maken</source>
        <translation>&amp;Make access pack</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="338"/>
        <source>Vul de voornaam en de achternaam in van wie om inzage vraagt.</source>
        <translation>Fill in the first name and surname of the person requesting access.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="343"/>
        <source>Geboortedatum: {0}.</source>
        <translation>Date of birth: {0}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="350"/>
        <source>Datum van ontvangst: {0}.</source>
        <translation>Date of receipt: {0}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="352"/>
        <source>Vul de datum in waarop het verzoek binnenkwam.</source>
        <translation>Fill in the date on which the request came in.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="369"/>
        <source>Bezig met zoeken…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="379"/>
        <source>{0} dossier(s) gevonden; vink aan welke van deze persoon zijn.</source>
        <translation>{0} dossier(s) found; tick those that belong to this person.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="386"/>
        <source>Geen dossiers gevonden met deze naam en geboortedatum.</source>
        <translation>No dossiers found with this name and date of birth.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="388"/>
        <source>Geen dossiers gevonden met deze naam.</source>
        <translation>No dossiers found with this name.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="402"/>
        <source>Map voor het inzagepakket</source>
        <translation>Folder for the access pack</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="420"/>
        <source>De naam of geboortedatum is gewijzigd sinds het zoeken. Zoek opnieuw en vink de dossiers opnieuw aan.</source>
        <translation>The name or date of birth has changed since the search. Search again and tick the dossiers again.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="428"/>
        <source>Vink ten minste één dossier aan dat van deze persoon is.</source>
        <translation>Tick at least one dossier that belongs to this person.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="433"/>
        <source>Kies de map waarin het inzagepakket moet komen.</source>
        <translation>Choose the folder where the access pack should go.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="438"/>
        <source>De map {0} bestaat niet. Kies een bestaande map.</source>
        <translation>The folder {0} does not exist. Choose an existing folder.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="444"/>
        <source>Bezig met het inzagepakket…</source>
        <translation>Making the access pack…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="452"/>
        <source>Inzagepakket gemaakt ({0} dossier(s)):
{1}
{2}
Verzoek ontvangen op {3}: uiterlijk beantwoorden op {4}. Het staat als nr. {5} bij de Termijnen tot u het daar als beantwoord markeert.
Let op: deze bestanden zijn niet versleuteld. Geef ze alleen aan de verzoeker.</source>
        <translation>Access pack made ({0} dossier(s)):
{1}
{2}
Request received on {3}: answer by {4} at the latest. It is listed as no. {5} under Deadlines until you mark it as answered there.
Note: these files are not encrypted. Give them only to the requester.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/subject_access_tab.py" line="468"/>
        <source>Inzagepakket gemaakt: uiterlijk beantwoorden op {0}.</source>
        <translation>Access pack made: answer by {0} at the latest.</translation>
    </message>
</context>
<context>
    <name>SummarySection</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/case_sections.py" line="381"/>
        <source>Sam&amp;envatting en notities</source>
        <translation>Summary and not&amp;es</translation>
    </message>
</context>
<context>
    <name>TextsEditor</name>
    <message>
        <location filename="../../src/ikodesk/ui/reports/texts_editor.py" line="39"/>
        <source>Teksten van het jaarverslag. Een leeg hoofdstuk komt niet in het rapport. Een lege regel begint een nieuwe alinea, een regel die met &quot;- &quot; begint is een opsommingsteken.</source>
        <translation>Texts of the annual report. An empty chapter is left out of the report. An empty line starts a new paragraph, a line starting with &quot;- &quot; is a bullet.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/texts_editor.py" line="47"/>
        <source>&amp;Hoofdstuk</source>
        <translation>&amp;Chapter</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/texts_editor.py" line="64"/>
        <source>Tekst op&amp;slaan</source>
        <translation>&amp;Save text</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/texts_editor.py" line="93"/>
        <source> (leeg)</source>
        <translation> (empty)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/texts_editor.py" line="107"/>
        <source>Tekst van {0} overnemen</source>
        <translation>Use the text of {0}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/texts_editor.py" line="111"/>
        <source>Laatst gewijzigd op {0} door {1}.</source>
        <translation>Last changed on {0} by {1}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/texts_editor.py" line="117"/>
        <source>Nog geen tekst voor {0}; de tekst van {1} kan als begin dienen.</source>
        <translation>No text for {0} yet; the text of {1} can serve as a start.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/texts_editor.py" line="122"/>
        <source>Nog geen tekst voor {0}.</source>
        <translation>No text for {0} yet.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/texts_editor.py" line="129"/>
        <source>De tekst van {0} is overgenomen; pas hem aan en sla hem op.</source>
        <translation>The text of {0} has been copied; adapt it and save it.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/reports/texts_editor.py" line="146"/>
        <source>Opgeslagen.</source>
        <translation>Saved.</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="57"/>
        <source>ikodesk: database ontgrendelen</source>
        <translation>ikodesk: unlock database</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="62"/>
        <source>De database &lt;b&gt;{0}&lt;/b&gt; is versleuteld. Geef de sleutel om haar te openen.</source>
        <translation>The database &lt;b&gt;{0}&lt;/b&gt; is encrypted. Enter the key to open it.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="72"/>
        <source>&amp;Wachtwoordzin</source>
        <translation>&amp;Passphrase</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="73"/>
        <source>&amp;Herstelsleutel (17 groepen van 4 tekens)</source>
        <translation>&amp;Recovery key (17 groups of 4 characters)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="94"/>
        <source>&amp;Openen</source>
        <translation>&amp;Open</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="98"/>
        <source>Andere &amp;database…</source>
        <translation>Other &amp;database…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="101"/>
        <source>Afsluiten</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="120"/>
        <source>XXXX-XXXX-…</source>
        <translation>XXXX-XXXX-…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="120"/>
        <source>wachtwoordzin van de database</source>
        <translation>the database passphrase</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/login.py" line="126"/>
        <source>Vul de sleutel in.</source>
        <translation>Enter the key.</translation>
    </message>
</context>
<context>
    <name>UserDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="90"/>
        <source>Wachtwoord opnieuw instellen</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="92"/>
        <source>Gebruiker toevoegen</source>
        <translation>Add user</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="111"/>
        <source>&amp;Gebruikersnaam</source>
        <translation>&amp;User name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="113"/>
        <source>&amp;Naam</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="114"/>
        <source>&amp;Rol</source>
        <translation>&amp;Role</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="115"/>
        <source>&amp;Wachtwoord</source>
        <translation>&amp;Password</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="116"/>
        <source>N&amp;ogmaals</source>
        <translation>A&amp;gain</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="124"/>
        <source>&amp;Opslaan</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="126"/>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="136"/>
        <source>De twee wachtwoorden zijn niet gelijk.</source>
        <translation>The two passwords differ.</translation>
    </message>
</context>
<context>
    <name>UsersModel</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="54"/>
        <source>Gebruikersnaam</source>
        <translation>User name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="55"/>
        <source>Naam</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="56"/>
        <source>Rol</source>
        <translation>Role</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="57"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="62"/>
        <source>vergrendeld (mislukte inlogpogingen)</source>
        <translation>locked (failed login attempts)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="66"/>
        <source>gedeactiveerd</source>
        <translation>deactivated</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="68"/>
        <source>actief, nog geen wachtwoord</source>
        <translation>active, no password yet</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/admin_page.py" line="70"/>
        <source>actief</source>
        <translation>active</translation>
    </message>
</context>
<context>
    <name>WorkflowPanel</name>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="67"/>
        <source>Verloop</source>
        <translation>Course</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="89"/>
        <source>&amp;Starten…</source>
        <translation>S&amp;tart…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="91"/>
        <source>&amp;Niet voortzetten…</source>
        <translation>&amp;Not continued…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="93"/>
        <source>&amp;Heropenen</source>
        <translation>Reo&amp;pen</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="94"/>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="212"/>
        <source>&amp;Curator benoemen…</source>
        <translation>Appoint c&amp;urator…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="96"/>
        <source>&amp;Mediators toewijzen…</source>
        <translation>Assign &amp;mediators…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="98"/>
        <source>&amp;Intake…</source>
        <translation>&amp;Intake…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="100"/>
        <source>&amp;Kindgesprek toevoegen…</source>
        <translation>Add c&amp;hild interview…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="103"/>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="353"/>
        <source>Kindgesprek verwijderen</source>
        <translation>Delete child interview</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="105"/>
        <source>&amp;Uitkomst…</source>
        <translation>&amp;Outcome…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="114"/>
        <source>Datum</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="114"/>
        <source>Kinderen gehoord</source>
        <translation>Children heard</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="129"/>
        <source>Besluit</source>
        <translation>Decision</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="133"/>
        <source>Bijzondere curator</source>
        <translation>Special curator</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="134"/>
        <source>Mediators</source>
        <translation>Mediators</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="135"/>
        <source>Intake</source>
        <translation>Intake</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="137"/>
        <source>Kindgesprekken</source>
        <translation>Child interviews</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="141"/>
        <source>Uitkomst</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="210"/>
        <source>&amp;Curator wijzigen…</source>
        <translation>Change c&amp;urator…</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="329"/>
        <source>De aanvraag {0} wordt weer open; de reden waarom zij niet werd voortgezet vervalt. Een benoemde bijzondere curator blijft geregistreerd. Heropenen?</source>
        <translation>Request {0} becomes open again; the reason it was not continued is removed. An appointed special curator stays registered. Reopen?</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="334"/>
        <source>Aanvraag heropenen</source>
        <translation>Reopen request</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/mediation/workflow_panel.py" line="349"/>
        <source>Het kindgesprek van {0} verwijderen? Doe dit alleen bij een vergissing.</source>
        <translation>Delete the child interview of {0}? Only do this to undo a mistake.</translation>
    </message>
</context>
<context>
    <name>_FormDialog</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="167"/>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>concurrent</name>
    <message>
        <location filename="../../src/ikodesk/ui/cases/concurrent.py" line="32"/>
        <source>Intussen gewijzigd</source>
        <translation>Changed meanwhile</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/concurrent.py" line="33"/>
        <source>Opnieuw &amp;laden</source>
        <translation>&amp;Reload</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/concurrent.py" line="34"/>
        <source>&amp;Vergelijken</source>
        <translation>&amp;Compare</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/cases/concurrent.py" line="35"/>
        <source>Verder bewerken</source>
        <translation>Keep editing</translation>
    </message>
</context>
<context>
    <name>languages</name>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="14"/>
        <source>Nederlands</source>
        <translation>Dutch</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="15"/>
        <source>Engels</source>
        <translation>English</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="16"/>
        <source>Duits</source>
        <translation>German</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="17"/>
        <source>Frans</source>
        <translation>French</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="18"/>
        <source>Spaans</source>
        <translation>Spanish</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="19"/>
        <source>Italiaans</source>
        <translation>Italian</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="20"/>
        <source>Portugees</source>
        <translation>Portuguese</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="21"/>
        <source>Pools</source>
        <translation>Polish</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="22"/>
        <source>Turks</source>
        <translation>Turkish</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="23"/>
        <source>Arabisch</source>
        <translation>Arabic</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="24"/>
        <source>Berbers</source>
        <translation>Berber</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="25"/>
        <source>Russisch</source>
        <translation>Russian</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="26"/>
        <source>Oekraïens</source>
        <translation>Ukrainian</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="27"/>
        <source>Roemeens</source>
        <translation>Romanian</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="28"/>
        <source>Bulgaars</source>
        <translation>Bulgarian</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="29"/>
        <source>Hongaars</source>
        <translation>Hungarian</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="30"/>
        <source>Tsjechisch</source>
        <translation>Czech</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="31"/>
        <source>Slowaaks</source>
        <translation>Slovak</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="32"/>
        <source>Litouws</source>
        <translation>Lithuanian</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="33"/>
        <source>Grieks</source>
        <translation>Greek</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="34"/>
        <source>Zweeds</source>
        <translation>Swedish</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="35"/>
        <source>Deens</source>
        <translation>Danish</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="36"/>
        <source>Noors</source>
        <translation>Norwegian</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="37"/>
        <source>Fins</source>
        <translation>Finnish</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="38"/>
        <source>Kroatisch</source>
        <translation>Croatian</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="39"/>
        <source>Servisch</source>
        <translation>Serbian</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="40"/>
        <source>Bosnisch</source>
        <translation>Bosnian</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="41"/>
        <source>Albanees</source>
        <translation>Albanian</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="42"/>
        <source>Perzisch</source>
        <translation>Persian</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="43"/>
        <source>Pasjtoe</source>
        <translation>Pashto</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="44"/>
        <source>Tigrinya</source>
        <translation>Tigrinya</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="45"/>
        <source>Somalisch</source>
        <translation>Somali</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="46"/>
        <source>Amhaars</source>
        <translation>Amharic</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="47"/>
        <source>Hindi</source>
        <translation>Hindi</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="48"/>
        <source>Urdu</source>
        <translation>Urdu</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="49"/>
        <source>Chinees</source>
        <translation>Chinese</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="50"/>
        <source>Japans</source>
        <translation>Japanese</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="51"/>
        <source>Indonesisch</source>
        <translation>Indonesian</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="52"/>
        <source>Papiaments</source>
        <translation>Papiamento</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/languages.py" line="53"/>
        <source>Sranantongo</source>
        <translation>Sranan Tongo</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <location filename="../../src/ikodesk/ui/common/messages.py" line="46"/>
        <location filename="../../src/ikodesk/ui/common/messages.py" line="54"/>
        <source>De schijf is vol. Maak ruimte vrij en probeer het opnieuw.</source>
        <translation>The disk is full. Free some space and try again.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/messages.py" line="50"/>
        <source>Geen toegang tot het bestand {0}. Kies een andere map.</source>
        <translation>No access to the file {0}. Choose another folder.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/messages.py" line="58"/>
        <source>Het bestand {0} kan niet worden gebruikt: {1}.</source>
        <translation>The file {0} cannot be used: {1}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/messages.py" line="69"/>
        <source>Niet opgeslagen; uw invoer staat nog in dit venster.</source>
        <translation>Not saved; your input is still in this window.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/messages.py" line="128"/>
        <source>Geen toegang</source>
        <translation>No access</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/messages.py" line="120"/>
        <location filename="../../src/ikodesk/ui/common/messages.py" line="130"/>
        <location filename="../../src/ikodesk/ui/common/messages.py" line="172"/>
        <source>Niet gelukt</source>
        <translation>Did not work</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/messages.py" line="139"/>
        <source>Er ging iets mis in ikodesk. Uw gegevens zijn niet verloren, maar de laatste handeling is mogelijk niet uitgevoerd. Meld dit aan de beheerder; de details staan in het logbestand in {0}.</source>
        <translation>Something went wrong in ikodesk. Your data is not lost, but the last action may not have been carried out. Please tell the administrator; the details are in the log file in {0}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/messages.py" line="147"/>
        <source>Onverwachte fout</source>
        <translation>Unexpected error</translation>
    </message>
</context>
<context>
    <name>problems</name>
    <message>
        <location filename="../../src/ikodesk/ui/common/problems.py" line="28"/>
        <source>geboortedatum</source>
        <translation>date of birth</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/problems.py" line="29"/>
        <source>leeftijd</source>
        <translation>age</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/problems.py" line="30"/>
        <source>sluitdatum</source>
        <translation>closing date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/problems.py" line="31"/>
        <source>reden van sluiten</source>
        <translation>closing reason</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/problems.py" line="32"/>
        <source>openingsdatum</source>
        <translation>opening date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/problems.py" line="33"/>
        <source>behandelaar</source>
        <translation>handler</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/problems.py" line="35"/>
        <source>uitkomst</source>
        <translation>outcome</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/problems.py" line="36"/>
        <source>bijzondere curator</source>
        <translation>special curator</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/problems.py" line="37"/>
        <source>reden</source>
        <translation>reason</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/problems.py" line="38"/>
        <source>redenen</source>
        <translation>reasons</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/problems.py" line="44"/>
        <source>geen kind</source>
        <translation>no child</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/problems.py" line="46"/>
        <source>1 kind</source>
        <translation>1 child</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/common/problems.py" line="47"/>
        <source>{0} kinderen</source>
        <translation>{0} children</translation>
    </message>
</context>
<context>
    <name>retention</name>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="48"/>
        <source>Mediationverzoeken</source>
        <translation>Mediation requests</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="51"/>
        <source>Lijn {0}: {1}</source>
        <translation>Line {0}: {1}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="56"/>
        <source>1 zaak</source>
        <translation>1 case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="57"/>
        <source>{0} zaken</source>
        <translation>{0} cases</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="62"/>
        <source>1 mediationverzoek</source>
        <translation>1 mediation request</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="63"/>
        <source>{0} mediationverzoeken</source>
        <translation>{0} mediation requests</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="68"/>
        <source>1 termijn is</source>
        <translation>1 period is</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/ui/admin/retention_tab.py" line="69"/>
        <source>{0} termijnen zijn</source>
        <translation>{0} periods are</translation>
    </message>
</context>
<context>
    <name>services</name>
    <message>
        <location filename="../../src/ikodesk/services/users.py" line="27"/>
        <source>Op de kantoorserver vertraagt de server zelf mislukte inlogpogingen (auth_delay); er is geen vergrendeling om op te heffen.</source>
        <translation>On the office server the server itself slows down failed logins (auth_delay); there is no lock to lift.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/users.py" line="55"/>
        <location filename="../../src/ikodesk/services/audit_views.py" line="36"/>
        <source>Gebruiker &quot;{username}&quot; bestaat niet.</source>
        <translation>User &quot;{username}&quot; does not exist.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/users.py" line="76"/>
        <location filename="../../src/ikodesk/services/office_server.py" line="29"/>
        <source>Ongeldige gebruikersnaam: {problem}.</source>
        <translation>Invalid user name: {problem}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/users.py" line="80"/>
        <source>Gebruiker &quot;{username}&quot; bestaat al.</source>
        <translation>User &quot;{username}&quot; already exists.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/users.py" line="145"/>
        <source>U kunt uw eigen account niet deactiveren.</source>
        <translation>You cannot deactivate your own account.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/users.py" line="148"/>
        <source>De laatste actieve beheerder kan niet worden gedeactiveerd.</source>
        <translation>The last active administrator cannot be deactivated.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/users.py" line="160"/>
        <source>De laatste actieve beheerder moet beheerder blijven.</source>
        <translation>The last active administrator must remain an administrator.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/users.py" line="165"/>
        <source>Gebruiker &quot;{username}&quot; kan niet worden verwijderd: er staat werk op naam van dit account (zaken, contactmomenten, ingeziene dossiers, conflictbeslissingen of vermeldingen in het auditlog), en de geschiedenis moet kloppen. Deactiveer het account in plaats daarvan.</source>
        <translation>User &quot;{username}&quot; cannot be deleted: there is work in the name of this account (cases, contacts, dossiers viewed, conflict decisions or entries in the audit log), and the history must stay correct. Deactivate the account instead.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/users.py" line="215"/>
        <source>U kunt uw eigen account niet verwijderen.</source>
        <translation>You cannot delete your own account.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/users.py" line="218"/>
        <source>De laatste actieve beheerder kan niet worden verwijderd.</source>
        <translation>The last active administrator cannot be deleted.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediators.py" line="47"/>
        <source>Geef de naam van de mediator.</source>
        <translation>Give the mediator&apos;s name.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediators.py" line="54"/>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="29"/>
        <source>Te lang (maximaal {max} tekens).</source>
        <translation>Too long (at most {max} characters).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediators.py" line="67"/>
        <source>Er is al een mediator met de naam &quot;{name}&quot;.</source>
        <translation>There already is a mediator named &quot;{name}&quot;.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediators.py" line="160"/>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="98"/>
        <source>Deze mediator bestaat niet (meer).</source>
        <translation>This mediator does not exist (any more).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediators.py" line="225"/>
        <source>Onbekende mediator &quot;{name}&quot;.</source>
        <translation>Unknown mediator &quot;{name}&quot;.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/errors.py" line="180"/>
        <source>Geen toegang: dit dossier is afgeschermd. Het hoort bij de andere kant van een (mogelijke) conflictzaak waarmee u werkt of die u heeft ingezien.</source>
        <translation>No access: this file is screened off. It belongs to the other side of a (possible) conflict case that you work on or have viewed.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/errors.py" line="185"/>
        <source>Deze behandelaar kan de zaak niet krijgen: de zaak is voor deze behandelaar afgeschermd (de andere kant van een conflictzaak die hij of zij behandelt of heeft ingezien). Kies een andere behandelaar.</source>
        <translation>This handler cannot be given the case: the case is screened off for this handler (the other side of a conflict case they handle or have viewed). Choose another handler.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/errors.py" line="199"/>
        <source>Voor deze handeling is de goedkeuring van een tweede beheerder nodig: die logt op dit moment met eigen naam en wachtwoord in om de handeling goed te keuren (opdrachtregel: --approver NAAM of IKODESK_APPROVER, wachtwoord in IKODESK_APPROVER_PASSWORD of op de vraag). Er is niets gedaan.</source>
        <translation>This action needs the approval of a second administrator, who logs in at this moment with their own name and password to approve it (command line: --approver NAME or IKODESK_APPROVER, password in IKODESK_APPROVER_PASSWORD or when prompted). Nothing has been done.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/access.py" line="226"/>
        <source>Geen toegang: uw rol ({role}) mag dit niet ({action}).</source>
        <translation>No access: your role ({role}) may not do this ({action}).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/access.py" line="246"/>
        <source>Geen toegang: dit tweedelijnsdossier wordt door een jurist behandeld.</source>
        <translation>No access: this second-line file is handled by a jurist.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/access.py" line="344"/>
        <source>Geen toegang: alleen een beheerder heft een bewaarplicht op.</source>
        <translation>No access: only an administrator can lift a legal hold.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/access.py" line="355"/>
        <source>Geen toegang: een jurist legt alleen een bewaarplicht op een zaak die hij of zij zelf behandelt.</source>
        <translation>No access: a jurist can only place a legal hold on a case they handle themselves.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/output.py" line="26"/>
        <source>{path} bestaat al; kies een nieuw bestand.</source>
        <translation>{path} already exists; choose a new file.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/output.py" line="30"/>
        <source>Kan {path} niet schrijven: {reason}.</source>
        <translation>Cannot write {path}: {reason}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/audit_views.py" line="24"/>
        <location filename="../../src/ikodesk/services/cases.py" line="214"/>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="105"/>
        <source>Zaak &quot;{ref}&quot; bestaat niet.</source>
        <translation>Case &quot;{ref}&quot; does not exist.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/audit_views.py" line="62"/>
        <source>Geen toegang: alleen de beheerder mag het auditlog inzien.</source>
        <translation>No access: only the administrator may view the audit log.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/audit_anchor.py" line="96"/>
        <source>Dit is geen geldige ankercode. Een ankercode ziet eruit als 1234-ABCD-EFGH-JKMN-PQRS-T: het nummer van een vermelding, vier groepen van vier tekens en een controleteken.</source>
        <translation>This is not a valid anchor code. An anchor code looks like 1234-ABCD-EFGH-JKMN-PQRS-T: the number of an entry, four groups of four characters and a check character.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/audit_anchor.py" line="106"/>
        <source>Het controleteken van de ankercode klopt niet: er is waarschijnlijk een teken verkeerd overgenomen. Controleer de code.</source>
        <translation>The check character of the anchor code does not match: a character was probably copied wrongly. Check the code.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/audit_anchor.py" line="192"/>
        <source>Het auditlog is niet intact ({problem}); een anker zou dat bevestigen. Zoek eerst uit wat er is gebeurd (ikodesk audit verify).</source>
        <translation>The audit log is not intact ({problem}); an anchor would confirm that. First find out what happened (ikodesk audit verify).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/audit_anchor.py" line="202"/>
        <source>Het auditlog is nog leeg: er is niets om vast te leggen.</source>
        <translation>The audit log is still empty: there is nothing to anchor.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/logins.py" line="48"/>
        <source>Onbekende gebruikersnaam of onjuist wachtwoord. Na een mislukte poging moet u even wachten voordat u het opnieuw probeert; na {attempts} mislukte pogingen op rij is het account {minutes} minuten vergrendeld (de beheerder kan het eerder vrijgeven).</source>
        <translation>Unknown user name or wrong password. After a failed attempt you must wait a moment before trying again; after {attempts} failed attempts in a row the account is locked for {minutes} minutes (the administrator can unlock it sooner).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/app_settings.py" line="43"/>
        <source>De vergrendeltijd moet tussen {low} en {high} minuten liggen.</source>
        <translation>The lock time must be between {low} and {high} minutes.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/app_settings.py" line="129"/>
        <source>Het jaar moet tussen {low} en {high} liggen.</source>
        <translation>The year must be between {low} and {high}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/app_settings.py" line="183"/>
        <source>Het logo moet een PNG- of JPEG-bestand zijn.</source>
        <translation>The logo must be a PNG or JPEG file.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/app_settings.py" line="187"/>
        <source>Het logo is te groot (hoogstens {kb} kB).</source>
        <translation>The logo is too large (at most {kb} kB).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/conflicts/review.py" line="118"/>
        <source>Er is geen mogelijke conflictzaak met nummer {number}.</source>
        <translation>There is no possible conflict case with number {number}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/conflicts/review.py" line="123"/>
        <source>Mogelijke conflictzaak {number} is al beoordeeld.</source>
        <translation>Possible conflict case {number} has already been reviewed.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/cases.py" line="74"/>
        <source>gebruiker &quot;{username}&quot; is gedeactiveerd</source>
        <translation>user &quot;{username}&quot; is deactivated</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/cases.py" line="84"/>
        <source>onbekende gebruiker &quot;{username}&quot;</source>
        <translation>unknown user &quot;{username}&quot;</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/cases.py" line="119"/>
        <source>zaak &quot;{ref}&quot; bestaat al</source>
        <translation>case &quot;{ref}&quot; already exists</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/cases.py" line="171"/>
        <location filename="../../src/ikodesk/services/cases.py" line="245"/>
        <source>Deze zaak bestaat niet (meer).</source>
        <translation>This case does not exist (any more).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/cases.py" line="268"/>
        <source>Deze zaak is intussen gewijzigd door {who} om {time}. Er is niets opgeslagen: laad de zaak opnieuw (uw invoer blijft staan om te vergelijken).</source>
        <translation>This case was changed meanwhile by {who} at {time}. Nothing was saved: reload the case (your input stays to compare).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/cases.py" line="403"/>
        <source>verwacht een aantal minuten tussen 0 en 1440</source>
        <translation>expected a number of minutes between 0 and 1440</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/cases.py" line="412"/>
        <source>het contactmoment ligt vóór de openingsdatum {opened}</source>
        <translation>the contact moment is before the opening date {opened}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/cases.py" line="423"/>
        <source>Onbekende behandelaar &quot;{name}&quot;.</source>
        <translation>Unknown handler &quot;{name}&quot;.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/queries.py" line="69"/>
        <location filename="../../src/ikodesk/services/mediation/views.py" line="233"/>
        <source>Deze mediation bestaat niet (meer).</source>
        <translation>This mediation does not exist (any more).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/queries.py" line="124"/>
        <source>Mediation &quot;{ref}&quot; bestaat niet.</source>
        <translation>Mediation &quot;{ref}&quot; does not exist.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/workflow.py" line="407"/>
        <source>Dit kindgesprek bestaat niet (meer).</source>
        <translation>This child interview does not exist (any more).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/errors.py" line="75"/>
        <source>De database is bezet: een ander programma of een andere werkplek schrijft er op dit moment in (bijvoorbeeld een import). Er is niets opgeslagen. Probeer het over een ogenblik opnieuw.</source>
        <translation>The database is busy: another program or workstation is writing to it right now (an import, for example). Nothing was saved. Try again in a moment.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/report_texts.py" line="84"/>
        <source>Onbekend hoofdstuk: {chapter}.</source>
        <translation>Unknown chapter: {chapter}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/report_texts.py" line="96"/>
        <source>De tekst is te lang (hoogstens {n} tekens).</source>
        <translation>The text is too long (at most {n} characters).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/report_texts.py" line="101"/>
        <source>De tekst kan zo niet worden bewaard: {problem}</source>
        <translation>The text cannot be saved like this: {problem}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/figures/freezing.py" line="73"/>
        <source>{year} is nog niet voorbij: alleen een afgesloten jaar kan worden vastgesteld.</source>
        <translation>{year} is not over yet: only a finished year can be frozen.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/figures/freezing.py" line="82"/>
        <source>De registratie van {year} is niet volledig (registratie volledig vanaf: {start}); de cijfers van dat jaar kunnen niet uit de registratie worden vastgesteld.</source>
        <translation>The records of {year} are not complete (records complete from: {start}); that year&apos;s figures cannot be frozen from the records.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/figures/freezing.py" line="96"/>
        <source>{year} is al vastgesteld op {at} door {by}. Stel het jaar opnieuw vast (--replace) om de cijfers te vervangen; de eerdere versie blijft bewaard.</source>
        <translation>{year} was already frozen on {at} by {by}. Freeze the year again (--replace) to replace the figures; the earlier version is kept.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/figures/freezing.py" line="106"/>
        <source>{year} heeft al gepubliceerde cijfers (geïmporteerd). Stel het jaar opnieuw vast (--replace) om ze te vervangen; de eerdere versie blijft bewaard.</source>
        <translation>{year} already has published figures (imported). Freeze the year again (--replace) to replace them; the earlier version is kept.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/figures/freezing.py" line="174"/>
        <source>{year} is niet vastgesteld: er is niets om mee te vergelijken.</source>
        <translation>{year} has not been frozen: there is nothing to compare with.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="91"/>
        <source>code &quot;{code}&quot; hoort bij lijn {code_line}, niet bij lijn {line}</source>
        <translation>code &quot;{code}&quot; belongs to line {code_line}, not to line {line}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="104"/>
        <source>verplicht wanneer &quot;{closed}&quot; is ingevuld (een van: {choices})</source>
        <translation>required when &quot;{closed}&quot; is filled in (one of: {choices})</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="115"/>
        <location filename="../../src/ikodesk/services/cases.py" line="353"/>
        <source>sluitdatum {closed} ligt vóór de openingsdatum {opened}</source>
        <translation>closing date {closed} is before the opening date {opened}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="126"/>
        <source>alleen toegestaan wanneer &quot;{closed}&quot; is ingevuld</source>
        <translation>only allowed when &quot;{closed}&quot; is filled in</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="136"/>
        <source>ontbreekt: verplicht bij code &quot;{code}&quot;</source>
        <translation>missing: required with code &quot;{code}&quot;</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="138"/>
        <source>ontbreekt: verplicht</source>
        <translation>missing: required</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="146"/>
        <source>mag niet &quot;NL&quot; zijn: vul het andere land in</source>
        <translation>may not be &quot;NL&quot;: fill in the other country</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="164"/>
        <source>geboortedatum {born} ligt na de openingsdatum {opened}</source>
        <translation>date of birth {born} is after the opening date {opened}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="175"/>
        <source>het kind was op de openingsdatum al meerderjarig</source>
        <translation>the child was already of age on the opening date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="184"/>
        <source>leeftijd moet tussen 0 en {max} liggen</source>
        <translation>age must be between 0 and {max}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="200"/>
        <source>verwacht &quot;{birth_date}&quot; of &quot;{age}&quot;</source>
        <translation>expected &quot;{birth_date}&quot; or &quot;{age}&quot;</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="207"/>
        <source>geef &quot;{birth_date}&quot; óf &quot;{age}&quot;, niet beide</source>
        <translation>give &quot;{birth_date}&quot; or &quot;{age}&quot;, not both</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="217"/>
        <source>onbekende landcode &quot;{iso2}&quot; (verwacht ISO 3166-1 alpha-2, bijv. &quot;PL&quot;)</source>
        <translation>unknown country code &quot;{iso2}&quot; (expected ISO 3166-1 alpha-2, e.g. &quot;PL&quot;)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="292"/>
        <source>niet toegestaan bij code &quot;{code}&quot;</source>
        <translation>not allowed with code &quot;{code}&quot;</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="293"/>
        <source>niet toegestaan</source>
        <translation>not allowed</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="303"/>
        <source>ontbreekt: verplicht bij code &quot;{code}&quot; (een van: {choices})</source>
        <translation>missing: required with code &quot;{code}&quot; (one of: {choices})</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="306"/>
        <source>ontbreekt: verplicht (een van: {choices})</source>
        <translation>missing: required (one of: {choices})</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="317"/>
        <source>ongeldige waarde &quot;{value}&quot; bij code &quot;{code}&quot; (verwacht een van: {choices})</source>
        <translation>invalid value &quot;{value}&quot; with code &quot;{code}&quot; (expected one of: {choices})</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/rules.py" line="321"/>
        <source>ongeldige waarde &quot;{value}&quot; (verwacht een van: {choices})</source>
        <translation>invalid value &quot;{value}&quot; (expected one of: {choices})</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/parsing.py" line="148"/>
        <source>ongeldige lijn {value} (verwacht 1 of 2)</source>
        <translation>invalid line {value} (expected 1 or 2)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/parsing.py" line="215"/>
        <source>ongeldige gebruikersnaam {value} (2 tot 64 tekens: a-z, 0-9, . _ -)</source>
        <translation>invalid username {value} (2 to 64 characters: a-z, 0-9, . _ -)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/parsing.py" line="237"/>
        <source>ongeldige taalcode {value} (verwacht bijv. &quot;nl&quot;)</source>
        <translation>invalid language code {value} (expected e.g. &quot;nl&quot;)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/parsing.py" line="294"/>
        <source>verwacht de naam van een mediator</source>
        <translation>expected the name of a mediator</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/parsing.py" line="335"/>
        <location filename="../../src/ikodesk/services/validation/fields.py" line="204"/>
        <source>verwacht een lijst [...]</source>
        <translation>expected a list [...]</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/parsing.py" line="407"/>
        <source>onbekende cijfernaam {value} (zie annual-figures.md)</source>
        <translation>unknown figure name {value} (see annual-figures.md)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/parsing.py" line="419"/>
        <source>verwacht een getal van 0 tot {max}, niet {value}</source>
        <translation>expected a number from 0 to {max}, not {value}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/fields.py" line="32"/>
        <source>verwacht een object {...}</source>
        <translation>expected an object {...}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/fields.py" line="56"/>
        <source>onbekend veld (niet in het uitwisselformaat; zie de spec)</source>
        <translation>unknown field (not in the exchange format; see the spec)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/fields.py" line="68"/>
        <source>ontbreekt (verplicht)</source>
        <translation>missing (required)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/fields.py" line="77"/>
        <source>verwacht een tekst</source>
        <translation>expected a text</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/fields.py" line="82"/>
        <source>mag niet leeg zijn</source>
        <translation>may not be empty</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/fields.py" line="88"/>
        <source>te lang (maximaal {max} tekens)</source>
        <translation>too long (at most {max} characters)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/fields.py" line="112"/>
        <source>verwacht een geheel getal, niet {value}</source>
        <translation>expected a whole number, not {value}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/fields.py" line="118"/>
        <source>moet minstens {minimum} zijn, niet {value}</source>
        <translation>must be at least {minimum}, not {value}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/fields.py" line="125"/>
        <source>mag hoogstens {maximum} zijn, niet {value}</source>
        <translation>may be at most {maximum}, not {value}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/fields.py" line="138"/>
        <source>verwacht true of false, niet {value}</source>
        <translation>expected true or false, not {value}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/fields.py" line="174"/>
        <source>ongeldige tijd {value} (verwacht JJJJ-MM-DDTUU:MM[:SS])</source>
        <translation>invalid time {value} (expected YYYY-MM-DDTHH:MM[:SS])</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/fields.py" line="223"/>
        <source>ongeldige landcode {value} (verwacht ISO 3166-1 alpha-2, bijv. &quot;PL&quot;)</source>
        <translation>invalid country code {value} (expected ISO 3166-1 alpha-2, e.g. &quot;PL&quot;)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/fields.py" line="238"/>
        <source>ongeldige referentie {value} (1 tot 40 letters, cijfers, . _ / -)</source>
        <translation>invalid reference {value} (1 to 40 letters, digits, . _ / -)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/fields.py" line="258"/>
        <source>ongeldige waarde {value} (verwacht een van: {choices})</source>
        <translation>invalid value {value} (expected one of: {choices})</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/fields.py" line="277"/>
        <source>ongeldige datum {value} (verwacht JJJJ-MM-DD)</source>
        <translation>invalid date {value} (expected YYYY-MM-DD)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="45"/>
        <source>hoogstens {max} ouders per mediation</source>
        <translation>at most {max} parents per mediation</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="64"/>
        <source>geboortedatum ligt na de aanvraagdatum</source>
        <translation>date of birth is after the request date</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="101"/>
        <source>verplicht bij status &quot;{status}&quot;</source>
        <translation>required with status &quot;{status}&quot;</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="109"/>
        <source>niet toegestaan bij status &quot;{status}&quot; (alleen bij {running} of {ended})</source>
        <translation>not allowed with status &quot;{status}&quot; (only with {running} or {ended})</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="127"/>
        <source>verplicht bij status &quot;{status}&quot; (de einddatum)</source>
        <translation>required with status &quot;{status}&quot; (the end date)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="135"/>
        <source>verplicht bij status &quot;{status}&quot; ({suitable} of {not_suitable})</source>
        <translation>required with status &quot;{status}&quot; ({suitable} or {not_suitable})</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="147"/>
        <source>verplicht bij een afgeronde, geschikte mediation (een van: {choices})</source>
        <translation>required for a finished, suitable mediation (one of: {choices})</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="163"/>
        <source>niet toegestaan: de mediation was niet geschikt na intake</source>
        <translation>not allowed: the mediation was not suitable after intake</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="172"/>
        <source>alleen toegestaan bij {outcome} &quot;{value}&quot;</source>
        <translation>only allowed with {outcome} &quot;{value}&quot;</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="180"/>
        <source>bevat een reden twee keer</source>
        <translation>contains a reason twice</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="185"/>
        <source>bevat een mediator twee keer</source>
        <translation>contains a mediator twice</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="192"/>
        <source>{day} ligt vóór de aanvraagdatum {requested}</source>
        <translation>{day} is before the request date {requested}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="201"/>
        <source>einddatum {ended} ligt vóór de startdatum {started}</source>
        <translation>end date {ended} is before the start date {started}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="215"/>
        <source>minstens 1 kind gehoord per kindgesprek</source>
        <translation>at least 1 child heard per child interview</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="222"/>
        <source>{day} ligt vóór de startdatum {started}</source>
        <translation>{day} is before the start date {started}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="231"/>
        <source>{day} ligt na de einddatum {ended}</source>
        <translation>{day} is after the end date {ended}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="246"/>
        <source>een mediation die na de intake niet geschikt is, loopt niet door: status &quot;{status}&quot; met een einddatum, zonder uitkomst</source>
        <translation>a mediation that is not suitable after the intake does not go on: status &quot;{status}&quot; with an end date, without an outcome</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="272"/>
        <source>alleen toegestaan bij status &quot;{status}&quot;</source>
        <translation>only allowed with status &quot;{status}&quot;</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="279"/>
        <source>niet toegestaan: de mediation is niet gestart</source>
        <translation>not allowed: the mediation has not started</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="286"/>
        <source>{heard} gehoord, maar op {day} zijn in deze mediation {eligible} {min_age} jaar of ouder (kindgesprekken zijn vanaf {min_age} jaar)</source>
        <translation>{heard} heard, but on {day} there are {eligible} of {min_age} or older in this mediation (child interviews are from {min_age} years)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/mediation_rules.py" line="292"/>
        <source>{heard} gehoord, maar op {day} is in deze mediation {eligible} {min_age} jaar of ouder (kindgesprekken zijn vanaf {min_age} jaar)</source>
        <translation>{heard} heard, but on {day} there is {eligible} of {min_age} or older in this mediation (child interviews are from {min_age} years)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/input_rules.py" line="61"/>
        <source>mag geen regeleinde of tab bevatten (U+{code}, teken {position})</source>
        <translation>may not contain a line break or tab (U+{code}, character {position})</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/input_rules.py" line="65"/>
        <source>bevat een onzichtbaar teken dat de leesrichting omkeert (U+{code}, teken {position}); zulke tekens kunnen tekst vermomd tonen</source>
        <translation>contains an invisible character that reverses the reading direction (U+{code}, character {position}); such characters can disguise text</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/input_rules.py" line="71"/>
        <source>bevat een ongeldig teken: een losse surrogaat (U+{code}, teken {position})</source>
        <translation>contains an invalid character: a lone surrogate (U+{code}, character {position})</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/input_rules.py" line="75"/>
        <source>bevat een niet-toegestaan stuurteken (U+{code}, teken {position})</source>
        <translation>contains a control character that is not allowed (U+{code}, character {position})</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/input_rules.py" line="178"/>
        <source>openingsdatum {opened} ligt vóór {first}</source>
        <translation>opening date {opened} is before {first}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/input_rules.py" line="183"/>
        <source>openingsdatum {opened} ligt in de toekomst</source>
        <translation>opening date {opened} is in the future</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/input_rules.py" line="193"/>
        <source>geboortedatum {born} ligt vóór {first}</source>
        <translation>date of birth {born} is before {first}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/input_rules.py" line="198"/>
        <source>geboortedatum {born} ligt in de toekomst</source>
        <translation>date of birth {born} is in the future</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/input_rules.py" line="223"/>
        <source>{count} kinderen: hoogstens {max} per mediation</source>
        <translation>{count} children: at most {max} per mediation</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/input_rules.py" line="225"/>
        <source>{count} kinderen: hoogstens {max} per zaak</source>
        <translation>{count} children: at most {max} per case</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/input_rules.py" line="347"/>
        <source>verwacht een eindig getal, niet {value}</source>
        <translation>expected a finite number, not {value}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/input_rules.py" line="356"/>
        <source>getal te groot</source>
        <translation>number too large</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/input_rules.py" line="365"/>
        <source>komt twee keer voor in hetzelfde object</source>
        <translation>occurs twice in the same object</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/input_rules.py" line="377"/>
        <source>veldnaam {problem}</source>
        <translation>field name {problem}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/input_rules.py" line="395"/>
        <source>te diep genest (meer dan {max} niveaus)</source>
        <translation>nested too deeply (more than {max} levels)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="13"/>
        <source>De aanvraag is niet voortgezet. Heropen de aanvraag eerst als de mediation toch start.</source>
        <translation>The request was not continued. Reopen the request first if the mediation starts after all.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="17"/>
        <source>De mediation is al gestart (op {started}).</source>
        <translation>The mediation has already started (on {started}).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="18"/>
        <source>De aanvraag is al geregistreerd als niet voortgezet.</source>
        <translation>The request is already registered as not continued.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="21"/>
        <source>De mediation is al gestart; een gestarte mediation eindigt met een intake of een uitkomst, niet als niet-voortgezette aanvraag.</source>
        <translation>The mediation has already started; a started mediation ends with an intake or an outcome, not as a request that was not continued.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="26"/>
        <source>Geef de reden waarom de aanvraag niet wordt voortgezet.</source>
        <translation>Give the reason why the request is not continued.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="30"/>
        <source>Alleen een niet-voortgezette aanvraag kan worden heropend.</source>
        <translation>Only a request that was not continued can be reopened.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="33"/>
        <source>Een bijzondere curator wordt benoemd wanneer de mediation niet start: registreer eerst dat de aanvraag niet wordt voortgezet.</source>
        <translation>A special curator is appointed when the mediation does not start: first register that the request is not continued.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="41"/>
        <source>De mediation is nog niet gestart; registreer eerst de start. (Een intake is er na de start.)</source>
        <translation>The mediation has not started yet; register the start first. (An intake comes after the start.)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="46"/>
        <source>De mediation is nog niet gestart; registreer eerst de start. (Een uitkomst is er alleen na de start.)</source>
        <translation>The mediation has not started yet; register the start first. (An outcome only comes after the start.)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="51"/>
        <source>De mediation is nog niet gestart; registreer eerst de start. (Kindgesprekken zijn er in een gestarte mediation.)</source>
        <translation>The mediation has not started yet; register the start first. (Child interviews belong to a started mediation.)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="58"/>
        <source>De aanvraag is niet voortgezet. (Een intake is er na de start.)</source>
        <translation>The request was not continued. (An intake comes after the start.)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="61"/>
        <source>De aanvraag is niet voortgezet. (Een uitkomst is er alleen na de start.)</source>
        <translation>The request was not continued. (An outcome only comes after the start.)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="64"/>
        <source>De aanvraag is niet voortgezet. (Kindgesprekken zijn er in een gestarte mediation.)</source>
        <translation>The request was not continued. (Child interviews belong to a started mediation.)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="69"/>
        <source>De mediation is al beëindigd.</source>
        <translation>The mediation has already ended.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="70"/>
        <source>Een geschikte mediation loopt door; de einddatum hoort bij de uitkomst.</source>
        <translation>A suitable mediation goes on; the end date belongs with the outcome.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="73"/>
        <source>Geef de einddatum: een mediation die niet geschikt is, eindigt na de intake.</source>
        <translation>Give the end date: a mediation that is not suitable ends after the intake.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="76"/>
        <source>Er is een kindgesprek op {day}, na deze einddatum.</source>
        <translation>There is a child interview on {day}, after this end date.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="79"/>
        <source>De mediation was niet geschikt na de intake en is zonder uitkomst beëindigd.</source>
        <translation>The mediation was not suitable after the intake and ended without an outcome.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="82"/>
        <source>Registreer eerst de intake: een uitkomst is er alleen na een geschikte intake.</source>
        <translation>Register the intake first: an outcome only comes after a suitable intake.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="85"/>
        <source>Redenen waarom de mediation niet slaagde horen alleen bij &quot;geen overeenkomst&quot;.</source>
        <translation>Reasons why the mediation did not succeed only belong with &quot;no agreement&quot;.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="89"/>
        <source>In een kindgesprek wordt minstens één kind gehoord.</source>
        <translation>At least one child is heard in a child interview.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="92"/>
        <source>De aanvraag is niet voortgezet; er worden geen mediators toegewezen.</source>
        <translation>The request was not continued; no mediators are assigned.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="95"/>
        <source>De mediation is beëindigd; de mediators liggen vast.</source>
        <translation>The mediation has ended; its mediators are fixed.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="99"/>
        <source>{name} is niet actief in de mediatorpool.</source>
        <translation>{name} is not active in the mediator pool.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="102"/>
        <source>registreer minstens één kind (geboortedatum of leeftijd)</source>
        <translation>register at least one child (date of birth or age)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/mediation/refusals.py" line="106"/>
        <source>Geef de referentie van de zaak.</source>
        <translation>Give the reference of the case.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/server_move.py" line="92"/>
        <source>De kantoorserver heeft al zaken of een auditlog. Een kantoor verhuist naar een net ingerichte server (&apos;ikodesk server init&apos;).</source>
        <translation>The office server already has cases or an audit log. An office moves onto a freshly set-up server (&apos;ikodesk server init&apos;).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/server_move.py" line="97"/>
        <source>Verhuizen gaat van een databasebestand naar de kantoorserver.</source>
        <translation>A move goes from a database file to the office server.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/server_move.py" line="103"/>
        <source>De cijfers op de kantoorserver wijken af van die in het bestand ({count} verschillen); er is niets op de server bewaard.</source>
        <translation>The figures on the office server differ from those in the file ({count} differences); nothing was kept on the server.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/application.py" line="79"/>
        <source>Dit kan alleen met een databasebestand. Op de kantoorserver regelt de beheerder van de server back-ups, sleutels en controles (pg_dump; zie docs/server.md).</source>
        <translation>This only works with a database file. On the office server, the server&apos;s administrator takes care of backups, keys and checks (pg_dump; see docs/server.md).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/conflicts/review.py" line="193"/>
        <source>Op de kantoorserver is dit niet nodig: de server vergelijkt elke zaak zelf bij het registreren, wijzigen, importeren en verhuizen. Een controle van alle zaken zou de dossiers moeten lezen, en een beheerder leest geen dossiers.</source>
        <translation>On the office server this is not needed: the server compares every case itself when it is registered, changed, imported or moved. Checking all cases would mean reading the dossiers, and an administrator reads no dossiers.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/storage/server/connection.py" line="48"/>
        <source>De kantoorserver {server} is niet bereikbaar ({reason}). Controleer de netwerkverbinding, of de server aanstaat en of het adres en de poort kloppen, en probeer het opnieuw. ikodesk werkt niet verder met een lokaal bestand.</source>
        <translation>The office server {server} cannot be reached ({reason}). Check the network connection, whether the server is on and whether the address and port are right, and try again. ikodesk does not carry on with a local file.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/storage/server/connection.py" line="55"/>
        <source>De kantoorserver {server} is niet bereikbaar: op dat adres en die poort neemt niets de verbinding aan. Controleer of de server aanstaat en of het adres en de poort kloppen, en probeer het opnieuw. ikodesk werkt niet verder met een lokaal bestand.</source>
        <translation>The office server {server} cannot be reached: nothing accepts the connection at that address and port. Check that the server is running and that the address and port are right, and try again. ikodesk does not carry on with a local file.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/storage/server/connection.py" line="61"/>
        <source>De kantoorserver {server} is niet bereikbaar: er kwam geen antwoord. Controleer de netwerkverbinding (kabel, wifi of VPN) en of de server aanstaat, en probeer het opnieuw. ikodesk werkt niet verder met een lokaal bestand.</source>
        <translation>The office server {server} cannot be reached: there was no answer. Check the network connection (cable, Wi-Fi or VPN) and that the server is running, and try again. ikodesk does not carry on with a local file.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/storage/server/connection.py" line="67"/>
        <source>De kantoorserver {server} is niet bereikbaar: de naam {host} is op dit netwerk onbekend. Controleer het adres en de netwerkverbinding, en probeer het opnieuw. ikodesk werkt niet verder met een lokaal bestand.</source>
        <translation>The office server {server} cannot be reached: the name {host} is unknown on this network. Check the address and the network connection, and try again. ikodesk does not carry on with a local file.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/storage/server/connection.py" line="73"/>
        <source>De kantoorserver {server} wordt op dit moment gestart of gestopt. Probeer het over een ogenblik opnieuw; lukt het dan nog niet, vraag het de beheerder van de server. ikodesk werkt niet verder met een lokaal bestand.</source>
        <translation>The office server {server} is starting or stopping right now. Try again in a moment; if it still does not work, ask the server&apos;s administrator. ikodesk does not carry on with a local file.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/storage/server/connection.py" line="80"/>
        <source>De verbinding met de kantoorserver {server} is tijdens het werk verbroken; de laatste handeling is niet opgeslagen. Controleer de netwerkverbinding en of de server aanstaat, en probeer het opnieuw. ikodesk werkt niet verder met een lokaal bestand.</source>
        <translation>The connection to the office server {server} was lost during the work; the last action was not saved. Check the network connection and that the server is running, and try again. ikodesk does not carry on with a local file.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/storage/server/connection.py" line="86"/>
        <source>De beveiligde verbinding (TLS) met de kantoorserver {server} kon niet worden opgezet ({reason}). Controleer het certificaat van de server (sslrootcert) of vraag het de beheerder van de server.</source>
        <translation>The secure connection (TLS) to the office server {server} could not be set up ({reason}). Check the server&apos;s certificate (sslrootcert) or ask the server&apos;s administrator.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/storage/server/connection.py" line="92"/>
        <source>Op de kantoorserver {server} bestaat de database niet. Controleer de naam, of laat de beheerder &apos;ikodesk server init&apos; uitvoeren.</source>
        <translation>The database does not exist on the office server {server}. Check the name, or have the administrator run &apos;ikodesk server init&apos;.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/storage/server/connection.py" line="97"/>
        <source>Onbekende gebruikersnaam of onjuist wachtwoord (kantoorserver {server}). Na mislukte pogingen laat de server u even wachten.</source>
        <translation>Unknown user name or wrong password (office server {server}). After failed attempts the server makes you wait a moment.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/storage/server/connection.py" line="102"/>
        <source>De database {server} is geen ikodesk-database (nog niet ingericht met &apos;ikodesk server init&apos;).</source>
        <translation>The database {server} is not an ikodesk database (not yet set up with &apos;ikodesk server init&apos;).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/storage/server/connection.py" line="106"/>
        <source>Geen toegang: de kantoorserver staat dit niet toe voor uw account.</source>
        <translation>No access: the office server does not allow this for your account.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/storage/server/setup.py" line="50"/>
        <source>Geef in het adres een PostgreSQL-rol die rollen mag maken, met wachtwoord: postgresql://postgres:WACHTWOORD@HOST:POORT/DATABASE.</source>
        <translation>Give a PostgreSQL role that may create roles in the address, with its password: postgresql://postgres:PASSWORD@HOST:PORT/DATABASE.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/storage/server/setup.py" line="55"/>
        <source>De database {server} bevat al tabellen die niet van ikodesk zijn. Kies een lege database.</source>
        <translation>The database {server} already holds tables that are not ikodesk&apos;s. Choose an empty database.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/storage/server/setup.py" line="59"/>
        <source>De database {server} is nog niet ingericht: gebruik eerst &apos;ikodesk server init&apos;.</source>
        <translation>The database {server} has not been set up yet: use &apos;ikodesk server init&apos; first.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/storage/server/address.py" line="42"/>
        <source>Ongeldig serveradres: {problem}. Verwacht: postgresql://HOST[:POORT]/DATABASE</source>
        <translation>Invalid server address: {problem}. Expected: postgresql://HOST[:PORT]/DATABASE</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/deadlines/clocks.py" line="105"/>
        <source>art. 12 HKOV</source>
        <translation>Art. 12 Hague 1980</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/deadlines/clocks.py" line="106"/>
        <source>art. 4 HKOV</source>
        <translation>Art. 4 Hague 1980</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/deadlines/clocks.py" line="107"/>
        <source>art. 11 HKOV</source>
        <translation>Art. 11 Hague 1980</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/deadlines/clocks.py" line="108"/>
        <source>art. 24 lid 3 Brussel IIb</source>
        <translation>Art. 24(3) Brussels IIb</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/deadlines/clocks.py" line="110"/>
        <source>art. 11 HKOV en art. 24 lid 2 Brussel IIb</source>
        <translation>Art. 11 Hague 1980 and Art. 24(2) Brussels IIb</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/deadlines/clocks.py" line="112"/>
        <source>Een jaar na de ontvoering. Wordt de teruggeleidingsprocedure daarna gestart, dan kan de andere ouder aanvoeren dat het kind in zijn nieuwe omgeving is geworteld: start de procedure vóór deze datum.</source>
        <translation>One year after the removal. If return proceedings start later, the other parent can argue that the child is settled in its new environment: start the proceedings before this date.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/deadlines/clocks.py" line="118"/>
        <source>Op de 16e verjaardag van het kind houdt het Verdrag op voor dit kind: daarna kan de rechter de terugkeer niet meer op grond van het Verdrag bevelen.</source>
        <translation>On the child&apos;s 16th birthday the Convention ceases to apply to this child: after that a court can no longer order the return under the Convention.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/deadlines/clocks.py" line="123"/>
        <source>De rechter hoort binnen zes weken na het begin van de procedure te beslissen; daarna kan de centrale autoriteit om de redenen van de vertraging vragen.</source>
        <translation>The court should decide within six weeks of the start of the proceedings; after that the central authority may ask for the reasons for the delay.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/deadlines/clocks.py" line="128"/>
        <source>Tussen twee EU-lidstaten (niet Denemarken) beslist de beroepsrechter binnen zes weken nadat alle procedurele stappen zijn gezet, tenzij dat door uitzonderlijke omstandigheden onmogelijk is.</source>
        <translation>Between two EU member states (not Denmark) the appeal court decides within six weeks after all procedural steps have been taken, unless exceptional circumstances make that impossible.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/exchange/importing.py" line="86"/>
        <source>zaak &quot;{ref}&quot; staat al op de kantoorserver. Een import voegt daar alleen nieuwe zaken toe: de server kan de zaak niet met het bestand vergelijken zonder haar te lezen, en een beheerder leest geen dossiers. Haal de zaak uit het bestand.</source>
        <translation>case &quot;{ref}&quot; is already on the office server. An import only adds new cases there: the server cannot compare the case with the file without reading it, and an administrator reads no dossiers. Take the case out of the file.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/exchange/importing.py" line="92"/>
        <source>mediation &quot;{ref}&quot; staat al op de kantoorserver. Een import voegt daar alleen nieuwe mediations toe: de server kan het dossier niet met het bestand vergelijken zonder het te lezen, en een beheerder leest geen dossiers. Haal de mediation uit het bestand.</source>
        <translation>mediation &quot;{ref}&quot; is already on the office server. An import only adds new mediations there: the server cannot compare the dossier with the file without reading it, and an administrator reads no dossiers. Take the mediation out of the file.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/exchange/importing.py" line="98"/>
        <source>zaak &quot;{ref}&quot; staat al op de kantoorserver. Een import voegt daar alleen nieuwe zaken toe, met hun contactmomenten: de server kan niet nagaan of dit contactmoment er al is zonder het dossier te lezen, en een beheerder leest geen dossiers. Leg het vast in de zaak zelf.</source>
        <translation>case &quot;{ref}&quot; is already on the office server. An import only adds new cases there, with their contact moments: the server cannot tell whether this contact moment is already there without reading the dossier, and an administrator reads no dossiers. Record it in the case itself.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/reference.py" line="34"/>
        <source>verplicht: waar komt dit vandaan (verdragsstatus HCCH, Tractatenblad, …)?</source>
        <translation>required: where does this come from (HCCH status table, Dutch Treaty Series, …)?</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/reference.py" line="37"/>
        <source>het verdrag is pas op 01-12-1983 in werking getreden</source>
        <translation>the Convention only entered into force on 01-12-1983</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/reference.py" line="40"/>
        <source>alleen een verdragsland heeft een datum van inwerkingtreding</source>
        <translation>only a party has a date of entry into force</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/reference.py" line="43"/>
        <source>alleen een verdragsland dat is toegetreden, heeft een aanvaarding door Nederland</source>
        <translation>only a party that has acceded has an acceptance by the Netherlands</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/reference.py" line="46"/>
        <source>een neerlegging die nog moet gebeuren, is geen aanvaarding</source>
        <translation>a deposit that is still to be made is not an acceptance</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/reference.py" line="49"/>
        <source>ligt meer dan drie maanden vóór de inwerkingtreding van de toetreding: Nederland kan een toetreding pas aanvaarden nadat die is neergelegd</source>
        <translation>is more than three months before the accession&apos;s entry into force: the Netherlands can only accept an accession after it has been deposited</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/reference.py" line="162"/>
        <source>Land &quot;{iso2}&quot; bestaat niet.</source>
        <translation>Country &quot;{iso2}&quot; does not exist.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/form_rules.py" line="33"/>
        <source>de openingsdatum ligt in de toekomst</source>
        <translation>the opening date is in the future</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/form_rules.py" line="34"/>
        <source>de sluitdatum ligt in de toekomst</source>
        <translation>the closing date is in the future</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/form_rules.py" line="35"/>
        <source>de geboortedatum ligt in de toekomst</source>
        <translation>the date of birth is in the future</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/form_rules.py" line="36"/>
        <source>verplicht bij een ontvoeringszaak: kies aan welke kant deze ouder staat</source>
        <translation>required for an abduction case: choose which side this parent is on</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/form_rules.py" line="39"/>
        <source>kies wie er belt</source>
        <translation>choose who is calling</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/form_rules.py" line="40"/>
        <source>vul een naam, een reisbestemming of een notitie in: een lege registratie telt mee</source>
        <translation>enter a name, a destination or a note: an empty registration would be counted</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/validation/form_rules.py" line="43"/>
        <source>het contactmoment ligt in de toekomst</source>
        <translation>the contact moment is in the future</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/conflicts/typing.py" line="60"/>
        <source>Mogelijk dezelfde familie als een zaak van een collega: deze zaak moet door een andere behandelaar worden behandeld.</source>
        <translation>Possibly the same family as a colleague&apos;s case: this case must be handled by another handler.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/conflicts/typing.py" line="65"/>
        <source>Mogelijk dezelfde familie als een zaak die u behandelt of heeft ingezien: deze zaak moet door een andere behandelaar worden behandeld. Typ het dossier niet verder uit; draag het over.</source>
        <translation>Possibly the same family as a case you handle or have seen: this case must be handled by another handler. Do not type the dossier out further; hand it over.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/conflicts/typing.py" line="71"/>
        <source>Deze persoon heeft al een zaak: openen?</source>
        <translation>This person already has a case: open it?</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/conflicts/typing.py" line="72"/>
        <source>Deze persoon heeft al een zaak, die u niet kunt openen.</source>
        <translation>This person already has a case, which you cannot open.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/subject_access.py" line="74"/>
        <source>Geef de voornaam en de achternaam van de persoon die om inzage vraagt.</source>
        <translation>Give the first name and surname of the person requesting access.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/subject_access.py" line="77"/>
        <source>{ref} hoort niet bij de gevonden dossiers van deze persoon. Kies uit de lijst.</source>
        <translation>{ref} is not one of the dossiers found for this person. Choose from the list.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/subject_access.py" line="81"/>
        <source>Bevestig ten minste één dossier waarin deze persoon voorkomt.</source>
        <translation>Confirm at least one dossier in which this person appears.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/subject_access.py" line="84"/>
        <source>Er is geen inzageverzoek {number}.</source>
        <translation>There is no access request {number}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/subject_access.py" line="85"/>
        <source>Inzageverzoek {number} is al op {day} als beantwoord gemarkeerd door {who}.</source>
        <translation>Access request {number} was already marked as answered on {day} by {who}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/exchange/walls.py" line="55"/>
        <source>{type}-records worden op de kantoorserver niet geïmporteerd: daar bepaalt de server zelf conflicten en muren bij elke nieuwe zaak. Verhuist u een kantoor met zijn muren en besluiten, gebruik dan &apos;ikodesk server migrate&apos;.</source>
        <translation>{type} records are not imported on the office server: there the server itself determines conflicts and walls for every new case. If you are moving an office with its walls and decisions, use &apos;ikodesk server migrate&apos;.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/exchange/walls.py" line="61"/>
        <source>onbekende zaak &quot;{ref}&quot; (niet in het bestand of de database)</source>
        <translation>unknown case &quot;{ref}&quot; (not in the file or the database)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/exchange/walls.py" line="64"/>
        <source>onbekende gebruiker &quot;{name}&quot; (niet in het bestand of de database)</source>
        <translation>unknown user &quot;{name}&quot; (not in the file or the database)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/exchange/walls.py" line="67"/>
        <source>tussen {a} en {b} staat al een conflict met status {status}; een import verandert geen besluit (dat gebeurt onder Conflicten)</source>
        <translation>there is already a conflict with status {status} between {a} and {b}; an import does not change a decision (that is done under Conflicts)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/exchange/walls.py" line="72"/>
        <source>{user} staat in de database al aan de kant van {side}; een muur wordt nooit verplaatst</source>
        <translation>{user} is already on the side of {side} in the database; a wall is never moved</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/exchange/walls.py" line="76"/>
        <source>geen conflict tussen {a} en {b} in het bestand of de database (een muur hoort bij een conflict-record)</source>
        <translation>no conflict between {a} and {b} in the file or the database (a wall belongs to a conflict record)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/exchange/walls.py" line="124"/>
        <source>verwacht twee verschillende zaaknummers</source>
        <translation>expected two different case numbers</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/exchange/walls.py" line="142"/>
        <source>decided en decided_by horen bij elkaar (een besluit heeft beide)</source>
        <translation>decided and decided_by go together (a decision has both)</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/exchange/walls.py" line="159"/>
        <source>moet een van de twee zaken zijn: {a} of {b}</source>
        <translation>must be one of the two cases: {a} or {b}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/exchange/walls.py" line="167"/>
        <source>verwacht een van {choices}</source>
        <translation>expected one of {choices}</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/exchange/walls.py" line="307"/>
        <source>het conflict tussen {a} en {b} staat al eerder in het bestand</source>
        <translation>the conflict between {a} and {b} already appears earlier in the file</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/approvals.py" line="56"/>
        <source>U kunt uw eigen handeling niet goedkeuren: een tweede beheerder moet dat doen. Er is niets gedaan.</source>
        <translation>You cannot approve your own action: a second administrator must do that. Nothing has been done.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/approvals.py" line="61"/>
        <source>Goedkeuring geweigerd: &quot;{approver}&quot; is geen actieve beheerder. Alleen een tweede beheerder kan deze handeling goedkeuren. Er is niets gedaan.</source>
        <translation>Approval refused: &quot;{approver}&quot; is not an active administrator. Only a second administrator can approve this action. Nothing has been done.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/approvals.py" line="66"/>
        <source>Goedkeuring geweigerd: onbekende gebruikersnaam of onjuist wachtwoord van de tweede beheerder. Na een mislukte poging moet even worden gewacht; na {attempts} mislukte pogingen op rij is het account {minutes} minuten vergrendeld. Er is niets gedaan.</source>
        <translation>Approval refused: unknown user name or wrong password of the second administrator. After a failed attempt there is a short wait; after {attempts} failed attempts in a row the account is locked for {minutes} minutes. Nothing has been done.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/approvals.py" line="72"/>
        <source>Goedkeuring geweigerd: onbekende gebruikersnaam of onjuist wachtwoord van de tweede beheerder (kantoorserver). Na mislukte pogingen laat de server even wachten. Er is niets gedaan.</source>
        <translation>Approval refused: unknown user name or wrong password of the second administrator (office server). After failed attempts the server makes you wait a moment. Nothing has been done.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/retention.py" line="42"/>
        <source>Onbekende soort voor een bewaartermijn: {scope}. Kies een zaakcode of mediation.</source>
        <translation>Unknown type for a retention period: {scope}. Choose a case code or mediation.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/retention.py" line="45"/>
        <source>Een bewaartermijn is een heel aantal jaren van {low} tot en met {high}.</source>
        <translation>A retention period is a whole number of years from {low} to {high} inclusive.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/retention.py" line="48"/>
        <source>Geef een reden voor de bewaarplicht (bijvoorbeeld een lopende procedure).</source>
        <translation>Give a reason for the legal hold (for example pending proceedings).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/retention.py" line="51"/>
        <source>Er is geen zaak met kenmerk {ref}.</source>
        <translation>There is no case with reference {ref}.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/retention.py" line="52"/>
        <source>Op zaak {ref} ligt geen bewaarplicht.</source>
        <translation>Case {ref} has no legal hold.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/retention.py" line="53"/>
        <source>Op zaak {ref} ligt al een bewaarplicht (sinds {since}, door {by}).</source>
        <translation>Case {ref} already has a legal hold (since {since}, by {by}).</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/retention_run.py" line="67"/>
        <source>De kantoorserver telt andere dossiers als te verwijderen dan het voorbeeld (er is intussen iets gewijzigd). Er is niets verwijderd; bekijk het voorbeeld opnieuw.</source>
        <translation>The office server counts different dossiers as due for removal than the preview did (something changed meanwhile). Nothing was removed; look at the preview again.</translation>
    </message>
    <message>
        <location filename="../../src/ikodesk/services/deadlines/listing.py" line="248"/>
        <source>Op de kantoorserver telt management de lopende termijnen van vandaag. Totalen op een andere datum zouden samen de geboortedata van kinderen verraden; de beheerder kan de termijnen op een andere datum opvragen.</source>
        <translation>On the office server, management counts the running deadlines of today. Totals on another date would together give away children&apos;s dates of birth; the administrator can ask for the deadlines on another date.</translation>
    </message>
</context>
</TS>
