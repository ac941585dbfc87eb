using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class InputConditionAtUpload : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DetectedCondition",
                table: "Images",
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "DetectedJpegQuality",
                table: "Images",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "DetectedNoiseSigma",
                table: "Images",
                type: "float",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DetectedCondition",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "DetectedJpegQuality",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "DetectedNoiseSigma",
                table: "Images");
        }
    }
}
