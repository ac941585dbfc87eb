using Microsoft.AspNetCore.Identity;

namespace Portal.Web.Features.Security;

/// <summary>Identity's error texts, reworded so a person knows what to do next.</summary>
public sealed class PortalIdentityErrorDescriber : IdentityErrorDescriber
{
    // The user name is the e-mail address, so both duplicates describe the same situation with one sentence.
    public override IdentityError DuplicateEmail(string email) => new()
    {
        Code = nameof(DuplicateEmail),
        Description = $"An account with the e-mail address '{email}' already exists. Log in, or reset your password if you forgot it.",
    };

    public override IdentityError DuplicateUserName(string userName) => DuplicateEmail(userName);

    public override IdentityError InvalidToken() => new()
    {
        Code = nameof(InvalidToken),
        Description = "This link is invalid or has expired. Request a new one and use the newest e-mail.",
    };

    public override IdentityError PasswordTooShort(int length) => new()
    {
        Code = nameof(PasswordTooShort),
        Description = $"Passwords must be at least {length} characters long.",
    };
}
