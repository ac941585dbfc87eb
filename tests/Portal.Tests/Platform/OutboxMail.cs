using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Accounts;
using Portal.Core.Email;
using Portal.Core.Storage;

namespace Portal.Tests.Platform;

public sealed class OutboxMail : IDisposable
{
    private readonly string dataPath = Directory.CreateTempSubdirectory("outbox-").FullName;

    [Fact]
    public async Task Without_smtp_a_confirmation_email_is_written_as_a_complete_eml_file_with_a_decoded_link()
    {
        var folders = new DataFolders(dataPath, dataPath);
        var transport = new OutboxMailTransport(folders, TimeProvider.System, NullLogger<OutboxMailTransport>.Instance);
        var sender = new PortalEmailSender(transport, Options.Create(new EmailOptions()), NullLogger<PortalEmailSender>.Instance);

        await sender.SendConfirmationLinkAsync(new PortalUser(), "person@example.test", "https://portal.test/Account/ConfirmEmail?userId=1&amp;code=abc");

        var file = Assert.Single(Directory.GetFiles(folders.Outbox));
        Assert.EndsWith(".eml", file);
        var message = await MimeKit.MimeMessage.LoadAsync(file);
        Assert.Equal("Confirm your e-mail address", message.Subject);
        Assert.Equal("person@example.test", message.To.Mailboxes.Single().Address);
        Assert.Contains("https://portal.test/Account/ConfirmEmail?userId=1&code=abc", message.TextBody);
        Assert.Empty(Directory.GetFiles(folders.Outbox, "*.tmp"));
    }

    [Fact]
    public void User_folders_refuse_ids_that_could_leave_the_data_folder()
    {
        var folders = new DataFolders(dataPath, dataPath);
        Assert.Throws<ArgumentException>(() => folders.ForUser("../../etc"));
        Assert.StartsWith(folders.Root, folders.ForUser(Guid.NewGuid().ToString()));
    }

    public void Dispose() => Directory.Delete(dataPath, recursive: true);
}
